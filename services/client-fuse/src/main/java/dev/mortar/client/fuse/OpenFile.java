package dev.mortar.client.fuse;

import dev.mortar.client.local.LocalReader;
import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.WriteLockCalls;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.EveryBrickLock;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * One open file descriptor: its AFR write transaction ({@link WriteLease}), its write-behind ({@link WriteBehind}),
 * its new file while the create is not sent ({@link UnsentCreate}) and its reads. Its mutex guards all of its write
 * state; it is never waited for on an event loop (the idle timer only tries it).
 */
final class OpenFile {
  private static final Logger LOG = Logger.getLogger(OpenFile.class.getName());

  /** What every open file of the mount shares. */
  record Shared(ReplicaSet rs, Vertx vertx, Namespace ns, UnsentCreates creates, WriteGather.Spares spares,
                WriteLockCalls lockCalls, EveryBrickLock<BrickClient> locks) {
    Shared(ReplicaSet rs, Vertx vertx, Namespace ns, UnsentCreates creates) {
      this(rs, vertx, ns, creates, new WriteLockCalls(rs));
    }

    private Shared(ReplicaSet rs, Vertx vertx, Namespace ns, UnsentCreates creates, WriteLockCalls calls) {
      this(rs, vertx, ns, creates, WriteBehind.spares(), calls, new EveryBrickLock<>(calls));
    }
  }

  /** The name it was opened by: its write lock's, for as long as it is open. */
  final String path;
  /** Its name now: renamed through this mount (by the program, or by the kernel when it is unlinked while open). */
  volatile String name;
  final boolean append;
  final String handleId;
  final long fh;
  final ReadAhead reads;
  final LocalReader local = new LocalReader();
  final ReentrantLock mutex = new ReentrantLock();
  final WriteBehind writes;
  private final WriteLease lease;
  private final Shared shared;
  private final ReplicaSet rs;
  /** The handle's new file while its create is not sent yet, or null. */
  private volatile UnsentCreate unsent;
  /** When the program last wrote through it ({@link System#nanoTime}): see {@link OpenFiles#writtenSince}. */
  volatile long lastWrite = System.nanoTime() - Long.MAX_VALUE / 2;
  /** The directory as the last create sent made it (see {@link Namespace#dirChanged}). */
  private Attr createdIn;

  OpenFile(Shared shared, String path, boolean append, String handleId, long fh) {
    this.shared = shared;
    this.rs = shared.rs();
    this.path = path;
    this.name = path;
    this.append = append;
    this.handleId = handleId;
    this.fh = fh;
    this.reads = new ReadAhead(rs::readData, shared.vertx());
    this.lease = new WriteLease(shared, this);
    this.writes = new WriteBehind(rs, shared.spares(), lease::hold);
  }

  /** The new file while its create is not sent yet, or null. */
  UnsentCreate unsent() {
    return unsent;
  }

  /**
   * Makes the handle's new file: at once where the program must learn at once whether the name was taken (an
   * exclusive create), for an append, without write-behind, or {@code now} (it gets an ACL next); else held back
   * (see {@link MortarFs#create}).
   */
  void create(int mode, boolean exclusive, boolean truncate, NewEntry entry, boolean now) {
    mutex.lock();
    try {
      if (now || exclusive || append || !WriteBehind.on(rs) || rs.liveDataBricks().isEmpty()) {
        sendCreate(mode, exclusive, entry, Buffer.buffer());
        shared.ns().dirChanged(MortarPaths.parent(path), createdIn, 0);
      } else {
        UnsentCreate u = new UnsentCreate(entry, mode, truncate);
        unsent = u;
        shared.creates().add(this, u);
        shared.ns().invalidate(path);
        shared.ns().names().added(path);
        shared.ns().changedIn(MortarPaths.parent(path), 0);
      }
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Makes the file on every live brick, with {@code data} as its first bytes, marked dirty and locked for this
   * handle's first write session in the same request, so that writing a new file costs no lock or pre-op request of
   * its own. Where another writer already holds the lock (the file existed), the session starts over the usual way
   * at the first write. Whether every data brick made the file (and so wrote the data): a file that was there
   * already keeps its file ID. Called with the mutex held.
   */
  private boolean sendCreate(int mode, boolean exclusive, NewEntry entry, Buffer data) {
    String owner = lease.nextOwner();
    rs.awaitAnyLive();
    rs.sessionEnds().flushIfQueued(path); // a file written again at once: its last session's lock goes first
    ReplicaSet.Written<Replies.CreateReply> w;
    try {
      w = rs.await(rs.writeAsync(new Requests.Create(path, mode, entry.uid(), entry.gid(), entry.gfid(), exclusive,
          1, owner, WriteLockCalls.LEASE_MS, data), MortarPaths.parent(path)));
    } finally {
      shared.ns().invalidate(path);
      shared.ns().names().added(path); // made, or it was there already (EEXIST)
    }
    shared.ns().cache(path, w.answer().attr());
    createdIn = w.answer().dir();
    // Arbiters grant it too: they are in the hold, so that it is renewed and given back there as well.
    List<BrickClient> locked = w.took().stream().filter(b -> w.answers().get(b).locked()).toList();
    lease.startedByCreate(owner, w.took(), locked);
    List<String> ids = w.took().stream().filter(b -> !b.brick().arbiter())
        .map(b -> w.answers().get(b).attr().gfid()).distinct().toList();
    if (ids.size() > 1) {
      reconcileFileIds();
    } else if (w.took().stream().allMatch(locked::contains)) {
      lease.keep();
    } else {
      lease.giveBack();
    }
    return ids.equals(List.of(entry.gfid()));
  }

  /**
   * Two clients made the same name at once and the bricks took their creates in different orders, so the copies
   * have different file IDs (GlusterFS's "gfid split-brain", which it prevents with entry locks at the price of a
   * round trip per create). Under the file's lock on every brick, taken in brick order, the first data brick's copy
   * replaces the others: both are as new as the race (each creator is still in create). The other creator finds the
   * copies agree once it has the lock. Called with the mutex held; the hold is kept for the write session.
   */
  private void reconcileFileIds() {
    List<BrickClient> data = lease.retakeInOrder();
    if (data.size() < 2) {
      return;
    }
    BrickClient first = data.get(0);
    Attr won = rs.await(first.call(new Requests.Lookup(path))).attr();
    for (BrickClient b : data.subList(1, data.size())) {
      Attr there = rs.await(b.call(new Requests.Lookup(path))).attr();
      if (!won.gfid().equals(there.gfid()) && won.isRegularFile() && there.isRegularFile()) {
        LOG.warning(path + ": made at once by two clients, with file IDs " + won.gfid() + " on " + first.brick().name()
            + " and " + there.gfid() + " on " + b.brick().name() + "; the copy on " + first.brick().name()
            + " is kept");
        Buffer content = rs.await(first.call(new Requests.Read(path, 0, (int) won.size()))).data();
        rs.await(b.call(new Requests.Unlink(path)));
        // Marked dirty as a client's new file is: the write session that follows clears it.
        rs.await(b.call(new Requests.Create(path, won.mode() & 07777, won.uid(), won.gid(), won.gfid(), true, 1,
            null, 0, content)));
      }
    }
    shared.ns().invalidate(path);
  }

  /**
   * Sends the handle's create if it is not sent yet. Where the file was there already on a brick (another client
   * made it after this one found the name absent), it is emptied if the program asked so and its data is written
   * the usual way. Called with the mutex held.
   */
  private void sendUnsent() {
    UnsentCreate u = unsent;
    if (u == null) {
      return;
    }
    unsent = null;
    shared.creates().cancelTimer(u);
    try {
      if (!sendCreate(u.mode, false, u.entry, u.data)) {
        if (u.truncate) {
          shared.ns().change(path, new Requests.Truncate(path, 0), path);
        }
        if (u.data.length() > 0) {
          writeLocked(path, WriteGather.Bytes.of(u.data.getBytes()), 0);
        }
      }
    } finally {
      // Only once the bricks answered: until then another call on the name waits for this handle's mutex (settle),
      // instead of asking a brick that has not made the file yet (ENOENT for an open right after a close).
      shared.creates().sent(this);
      shared.ns().dirAnswered(MortarPaths.parent(path), createdIn);
    }
  }

  /** For a caller other than the handle's own: a failure is returned by the handle's next call (close at last). */
  void sendUnsentQuietly() {
    mutex.lock();
    try {
      sendUnsent();
    } catch (BrickException e) {
      writes.defer(e);
    } finally {
      mutex.unlock();
    }
  }

  /**
   * AFR write with write-behind. The first write of a session carries the dirty mark and is waited for; later
   * sequential writes are acknowledged at once and sent in the background ({@link WriteBehind}); their failure is
   * returned by the next write, flush or fsync. Appends and overlapping writes wait for what is in flight first.
   * The first bytes of a new file whose create is not sent yet go with the create.
   */
  void write(String path, WriteGather.Bytes bytes, long offset) {
    lastWrite = System.nanoTime();
    mutex.lock();
    try {
      writes.throwDeferred();
      UnsentCreate u = unsent;
      if (u != null && u.takes(offset, bytes.size()) && WriteBehind.on(rs)) {
        u.data.appendBuffer(bytes.buffer()); // goes with the create
        return;
      }
      sendUnsent();
      writeLocked(path, bytes, offset);
    } finally {
      mutex.unlock();
    }
  }

  /** {@link #write} of the bytes, with the mutex held. */
  private void writeLocked(String path, WriteGather.Bytes bytes, long offset) {
    int size = bytes.size();
    lease.holdLock();
    long end = offset + size;
    boolean overlaps = writes.overlaps(offset, end);
    boolean waited = append || !lease.started() || !WriteBehind.on(rs);
    if (waited || overlaps) {
      writes.drain();
    } else {
      writes.makeRoom(size);
    }
    shared.ns().invalidate(path);
    if (waited) {
      lease.write(path, append ? lease.appendOffset() : offset, bytes);
    } else {
      writes.add(path, offset, bytes);
    }
    lease.releaseWhenIdle();
  }

  /**
   * What was written through this handle reaches the bricks, and the program learns of a failure of it: under the
   * mutex, the create not sent yet is sent, every write in flight is waited for and the first failure of one is
   * thrown; then {@code then} runs, the mutex still held. At a close(2) ({@code closing}), the first close of a new
   * file with nothing written yet keeps its create for the bytes that follow ({@link UnsentCreate#keptAtClose}).
   */
  void settle(boolean closing, Runnable then) {
    mutex.lock();
    try {
      UnsentCreate u = unsent;
      if (closing && u != null && u.keptAtClose()) {
        return;
      }
      sendUnsent();
      writes.drain();
      writes.throwDeferred();
      then.run();
    } finally {
      mutex.unlock();
    }
  }

  /** fsync(2), once the handle is settled: the data is on disk, and only now may the copies stop being dirty. */
  void synced() {
    lease.clearDirty();
  }

  /**
   * The last close of the handle: its create is sent where nothing was written, what it wrote reaches the bricks,
   * and its write session ends. A failure was returned by flush already, or goes to the log ({@code at}: the
   * handle's name, as the kernel gave it).
   */
  void release(String at) {
    mutex.lock();
    try {
      try {
        sendUnsent(); // sent by flush unless that failed (and said so), or nothing was written
      } catch (BrickException e) { // close(2) is over: the log is the only place left to say it
        LOG.warning(at + ": the new file, closed with nothing written, could not be made: " + e.getMessage());
      }
      writes.drain(); // a failure here was returned by flush already
      lease.release();
    } finally {
      mutex.unlock();
    }
    local.close();
  }

  /**
   * Waits for the handle's writes behind. Looked at without the mutex first, so that a reader does not wait behind
   * a write that is not write-behind (an append waiting for a lock): such a write is in neither the list nor the
   * gather.
   */
  void drainWrites() {
    if (writes.pending()) {
      mutex.lock();
      try {
        writes.drain();
      } finally {
        mutex.unlock();
      }
    }
  }
}
