package dev.mortar.client.fuse;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.SessionEnds;
import dev.mortar.client.replication.WriteLockCalls;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.EveryBrickLock;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A handle's write sessions: the first write of one marks the file dirty and takes its write lock, which the handle
 * keeps while it writes and gives up {@link #LOCK_IDLE_MS} after its last write, or when it is closed. Guarded by its
 * handle's mutex, except where a method says otherwise.
 */
final class WriteLease {
  private static final Logger LOG = Logger.getLogger(WriteLease.class.getName());
  /** A writer keeps its file's lock while it writes; released this long after its last write. */
  private static final long LOCK_IDLE_MS = ClientTunables.WRITE_LOCK_IDLE_MS.get();

  /**
   * A hold on a file's write lock: the bricks that granted it, the owner they granted it to, and the name it was
   * taken under (the file's name when its session started: a rename of the open file moves the next session's lock
   * along). Every write session of a handle has an owner of its own, so that the late UNLOCK of a session just ended
   * can never release the lock of the next one.
   */
  record Hold(String owner, List<BrickClient> bricks, String path) {
    static final Hold NONE = new Hold(null, List.of(), null);
  }

  private final ReplicaSet rs;
  private final Vertx vertx;
  private final WriteLockCalls calls;
  private final EveryBrickLock<BrickClient> locks;
  private final OpenFile file;
  private List<BrickClient> dirtyOn;
  private int sessions;
  private volatile Hold hold = Hold.NONE;
  /** When the handle last wrote (System.nanoTime), and whether the idle check is pending. */
  private long lastWrite;
  private boolean idleCheckSet;
  /** Released: a pending idle check has nothing left to do. */
  private boolean released;
  /** The periodic renewal of the lock's leases while it is held, or -1. */
  private volatile long leaseTimer = -1;

  WriteLease(OpenFile.Shared shared, OpenFile file) {
    this.rs = shared.rs();
    this.vertx = shared.vertx();
    this.calls = shared.lockCalls();
    this.locks = shared.locks();
    this.file = file;
  }

  /** The lock held now (read without the mutex by the lease renewal). */
  Hold hold() {
    return hold;
  }

  /** The owner of this handle's next write session. */
  String nextOwner() {
    return file.handleId + "#" + ++sessions;
  }

  /**
   * A create sent with the lock of this handle's first session ({@code owner}): {@code dirtyOn} made the file and
   * is marked dirty, {@code locked} granted the lock.
   */
  void startedByCreate(String owner, List<BrickClient> dirtyOn, List<BrickClient> locked) {
    this.dirtyOn = dirtyOn;
    hold = new Hold(owner, locked, file.path);
  }

  /** Keeps the lock while the handle writes: its leases renewed, and given up once the handle is idle. */
  void keep() {
    keepLeases();
    releaseWhenIdle();
  }

  /**
   * Takes the lock again, on every live data brick in brick order (the order healers take it in); those bricks.
   * The lock held is given up first.
   */
  List<BrickClient> retakeInOrder() {
    String path = file.path;
    calls.awaitQuietly(unlockAll());
    List<BrickClient> data = takeLock(path, p -> locks.inOrder(p, rs.liveDataBricks(), nextOwner()))
        .bricks();
    keep();
    return data;
  }

  /**
   * Writes to one file are serialised across all clients by its lock, taken on every live data brick, so every
   * brick applies them in the same order and the copies stay identical. On every live brick, not only the first:
   * around a network cut two clients disagree for a moment about which bricks are live, and they must still exclude
   * each other on the bricks they both write to ({@link EveryBrickLock}, as healers take it). A session writes only
   * where it holds the lock. A writer keeps the lock while it writes and gives it up {@link #LOCK_IDLE_MS} after
   * its last write, or when it closes the file.
   */
  void holdLock() {
    Hold held = hold;
    List<BrickClient> still = held.bricks().stream().filter(BrickClient::isUp).toList();
    if (!still.isEmpty()) {
      // A brick that went away is dropped; one that came back joins at the next session, not this one (its copy
      // may hold another side's version of the file: the next open checks for that).
      hold = new Hold(held.owner(), still, held.path());
      return;
    }
    unlockAll();
    rs.awaitAnyLive();
    String name = file.name;
    rs.sessionEnds().flushIfQueued(name);
    EveryBrickLock.Taken<BrickClient> took = takeLock(name,
        p -> locks.take(p, rs.liveDataBricks(), this::nextOwner));
    if (took.bricks().isEmpty()) {
      throw new BrickException(Errno.ENOTCONN, file.path + ": cannot take the write lock: no live brick");
    }
    keepLeases();
  }

  /** Has this session marked the file dirty yet? */
  boolean started() {
    return dirtyOn != null;
  }

  /** A write waited for, where the lock is held; the session's first carries the dirty mark. */
  void write(String path, long at, WriteGather.Bytes bytes) {
    boolean first = dirtyOn == null;
    // The first carries the AFR pre-op: a crash from here on leaves the copies marked torn.
    ReplicaSet.Written<Replies.AttrReply> w = rs.await(rs.writeAsync(new Requests.Write(path, at, first ? 1 : 0,
        hold.owner(), bytes.buffer()), path, hold.bricks()));
    if (first) {
      dirtyOn = w.took();
    }
  }

  /**
   * Where an append goes: the end of the file on a data brick of the hold that no other brick blames. A source
   * that turns out to be away (cut off since the lock was taken) leaves the hold, and the next one is asked.
   */
  long appendOffset() {
    while (true) {
      List<BrickClient> data = hold.bricks().stream().filter(b -> !b.brick().arbiter() && b.isUp()).toList();
      if (data.isEmpty()) {
        throw new BrickException(Errno.ENOTCONN, file.path + ": no brick that holds the write lock is reachable");
      }
      BrickClient source = rs.appendSource(file.name, data);
      try {
        return rs.await(source.call(new Requests.Lookup(file.name))).attr().size();
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
        Hold held = hold;
        hold = new Hold(held.owner(), held.bricks().stream().filter(b -> b != source).toList(), held.path());
      }
    }
  }

  /** Takes the lock of {@code path} as {@code how} does and makes it the handle's hold. */
  private EveryBrickLock.Taken<BrickClient> takeLock(String path,
                                                     Function<String, EveryBrickLock.Taken<BrickClient>> how) {
    try {
      EveryBrickLock.Taken<BrickClient> took = how.apply(path);
      hold = new Hold(took.owner(), took.bricks(), path);
      return took;
    } catch (BrickException e) {
      throw new BrickException(Errno.EIO, file.path + ": cannot take the write lock (" + e.getMessage() + ")");
    }
  }

  /**
   * Renews the lock's leases every third of a lease for as long as this writer holds it, whatever the program
   * does: a write session can outlast a lease while its data is still on its way to a slow brick, and a lapsed
   * lease would let a healer take the file for a torn write and heal it under the writes still arriving.
   * Runs on the event loop; it reads the hold without the mutex and sends without waiting.
   */
  private void keepLeases() {
    if (leaseTimer >= 0) {
      return;
    }
    leaseTimer = vertx.setPeriodic(WriteLockCalls.LEASE_MS / 3, t -> {
      Hold held = hold;
      if (held.bricks().isEmpty()) {
        vertx.cancelTimer(t);
        leaseTimer = -1;
        return;
      }
      held.bricks().forEach(b -> WriteLockCalls.lockCall(b, held.path(), held.owner(), 0)
          .onFailure(e -> LOG.fine(held.path() + ": lease on " + b.brick().name() + " not renewed: "
              + e.getMessage())));
    });
  }

  /** Gives the lock up on every brick that holds it for this file; the answers, for a caller that waits. */
  private List<Future<Replies.Done>> unlockAll() {
    Hold held = hold;
    hold = Hold.NONE;
    return WriteLockCalls.unlockCalls(held.bricks(), held.path(), held.owner());
  }

  /**
   * Gives the lock up {@link #LOCK_IDLE_MS} after the handle's last write. Called at each write: one check is set
   * per idle time, and it looks again where a write came since (a timer set and cancelled per write woke the event
   * loop twice for every 128 KiB written).
   */
  void releaseWhenIdle() {
    lastWrite = System.nanoTime();
    if (!idleCheckSet) {
      idleCheckSet = true;
      checkIdleIn(LOCK_IDLE_MS);
    }
  }

  /** Runs on the event loop, which never waits for the mutex: a check that finds a write running looks again. */
  private void checkIdleIn(long ms) {
    vertx.setTimer(Math.max(1, ms), t -> {
      if (!file.mutex.tryLock()) {
        checkIdleIn(LOCK_IDLE_MS / 4);
        return;
      }
      try {
        long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastWrite);
        if (released) {
          idleCheckSet = false;
        } else if (idleMs < LOCK_IDLE_MS) {
          checkIdleIn(LOCK_IDLE_MS - idleMs);
        } else if (file.writes.allAnswered()) {
          idleCheckSet = false;
          file.writes.drain(); // waits for nothing: all answered; a failure is kept for the program's next call
          dropLock();
        } else {
          file.writes.sendGathered(); // the program paused: what it wrote goes now
          checkIdleIn(LOCK_IDLE_MS); // writes still on their way: keep the lock a little longer
        }
      } finally {
        file.mutex.unlock();
      }
    });
  }

  /** The handle is closed: its session ends now, and a pending idle check finds nothing left to do. */
  void release() {
    released = true;
    dropLock();
  }

  /**
   * Ends a write session. Called with no write in flight; nothing waits. The dirty mark goes and then, on each
   * brick in that order, the lock, so that a healer, which takes the same lock, finds a dirty mark only where a
   * writer died; batched with other sessions' ends ({@link SessionEnds}).
   */
  private void dropLock() {
    List<BrickClient> marked = dirtyOn == null ? List.of() : dirtyOn;
    dirtyOn = null;
    Hold held = hold;
    hold = Hold.NONE;
    // The dirty mark is the file's, wherever it is now; the lock is where the session took it.
    rs.sessionEnds().add(file.name, marked, held.owner(), held.bricks(), held.path());
  }

  /**
   * A new file that this handle could not lock everywhere (another writer holds it somewhere): its dirty marks
   * and whatever locks it got are given back now, and its first write takes the lock the usual way.
   */
  void giveBack() {
    try {
      rs.await(clearDirty());
    } catch (BrickException e) {
      LOG.fine(file.path + ": dirty mark of a new file not cleared: " + e.getMessage());
    }
    calls.awaitQuietly(unlockAll());
  }

  /** Clears the session's dirty mark: only once its data is on disk. */
  Future<Void> clearDirty() {
    if (dirtyOn == null) {
      return Future.succeededFuture();
    }
    List<BrickClient> on = dirtyOn;
    dirtyOn = null;
    return rs.clearDirty(file.name, on);
  }
}
