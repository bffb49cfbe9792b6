package dev.mortar.client.fuse;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * One handle's write-behind: sequential writes acknowledged at once, gathered into brick requests and sent while the
 * program goes on (at most {@link #WRITE_BEHIND_MAX} requests and {@link #WRITE_BEHIND_BYTES} bytes in flight, in
 * order of their ranges); the first failure of one is kept and returned by the handle's next call, as GlusterFS's
 * write-behind does. Guarded by its handle's mutex, except where a method says otherwise.
 */
final class WriteBehind {
  /** Write-behind window: sequential writes are acknowledged at once and sent while the program goes on. */
  private static final int WRITE_BEHIND_MAX = ClientTunables.WRITE_BEHIND_REQUESTS.getInt();
  private static final long WRITE_BEHIND_BYTES = ClientTunables.WRITE_BEHIND_BYTES.get();
  /** Sequential writes (128 KiB each from the kernel) are gathered into brick requests of up to this size. */
  static final int GATHER_BYTES = ClientTunables.WRITE_GATHER_BYTES.getInt();

  private record InFlight(long start, long end, Future<ReplicaSet.Written<Replies.AttrReply>> done,
                          WriteGather gather) {}

  private final ReplicaSet rs;
  private final WriteGather.Spares spares;
  /** The handle's hold on the write lock, whose owner and bricks a gather is sent with. */
  private final Supplier<WriteLease.Hold> hold;
  private final int maxRequests;
  private final long maxBytes;
  /** Writes sent and not yet answered, with their ranges (read by other threads without the mutex). */
  private final List<InFlight> inFlight = new CopyOnWriteArrayList<>();
  private long inFlightBytes;
  /** Sequential writes acknowledged and not yet sent, gathered into one request, or null. */
  private volatile WriteGather gather;
  /** The first failure of a write already acknowledged to the program: returned at the next call. */
  private BrickException deferred;

  WriteBehind(ReplicaSet rs, WriteGather.Spares spares, Supplier<WriteLease.Hold> hold) {
    this(rs, spares, hold, WRITE_BEHIND_MAX, WRITE_BEHIND_BYTES);
  }

  /** A window of {@code maxRequests} requests and {@code maxBytes} bytes in flight. */
  WriteBehind(ReplicaSet rs, WriteGather.Spares spares, Supplier<WriteLease.Hold> hold, int maxRequests,
              long maxBytes) {
    this.rs = rs;
    this.spares = spares;
    this.hold = hold;
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** Full gathers' arrays, used again: enough for a write-behind window. One set per mount. */
  static WriteGather.Spares spares() {
    return new WriteGather.Spares(GATHER_BYTES, (int) (WRITE_BEHIND_BYTES / GATHER_BYTES));
  }

  /**
   * Are writes acknowledged before the bricks have them (and new files made at close)? Not with the option off, nor
   * while a brick is short of room: then every write(2) says ENOSPC itself.
   */
  static boolean on(ReplicaSet rs) {
    return rs.settings().writeBehind() && !rs.shortOfRoom();
  }

  /** Does {@code [from, to)} overlap a write in flight or gathered? */
  boolean overlaps(long from, long to) {
    WriteGather g = gather;
    return inFlight.stream().anyMatch(w -> w.start() < to && from < w.end()) || g != null && g.overlaps(from, to);
  }

  /** Acknowledges a sequential write: gathered, and sent once its gather is full or another begins. */
  void add(String path, long offset, WriteGather.Bytes bytes) {
    int size = bytes.size();
    if (gather == null || !gather.continuedBy(path, offset, size)) {
      sendGathered();
      gather = new WriteGather(path, offset, size, spares);
    }
    gather.add(bytes);
    if (gather.full()) {
      sendGathered();
    }
  }

  /** Sends the gathered writes as one request, in flight from now on. Never waits. */
  void sendGathered() {
    WriteGather g = gather;
    if (g == null) {
      return;
    }
    Buffer data = g.data();
    WriteLease.Hold held = hold.get();
    inFlight.add(new InFlight(g.start, g.end(), rs.writeAsync(new Requests.Write(g.path, g.start, 0,
        held.owner(), data), g.path, held.bricks()), g));
    inFlightBytes += data.length();
    gather = null; // only now: a reader that finds neither a gather nor a write in flight reads without waiting
  }

  /** Sends what is gathered and waits for every write in flight; the first failure becomes the deferred error. */
  void drain() {
    sendGathered();
    while (!inFlight.isEmpty()) {
      awaitOldest();
    }
  }

  /**
   * Waits for the oldest writes in flight until {@code size} more bytes fit in the write-behind window. Only as
   * many as needed: waiting for all of them would leave the bricks idle while the program refills the window.
   */
  void makeRoom(long size) {
    while (!inFlight.isEmpty() && (inFlight.size() >= maxRequests || inFlightBytes + size > maxBytes)) {
      awaitOldest();
    }
  }

  /** The oldest write in flight, waited for and let go; its failure becomes the deferred error. */
  private void awaitOldest() {
    InFlight w = inFlight.get(0);
    try {
      if (rs.await(w.done()).everyTargetTook()) {
        w.gather().recycle(); // every brick answered: none still reads its data
      }
    } catch (BrickException e) {
      defer(e);
    } finally {
      // Only once answered: a reader on another thread looks at the list without the mutex (pending), and a
      // write taken off it while still on its way looked done (the read found the file short of it).
      inFlight.remove(0);
      inFlightBytes -= w.end() - w.start();
    }
  }

  /** Keeps {@code e} for the handle's next call, unless an earlier failure is kept already. */
  void defer(BrickException e) {
    if (deferred == null) {
      deferred = e;
    }
  }

  /** Throws the failure kept for the program, once. */
  void throwDeferred() {
    BrickException e = deferred;
    if (e != null) {
      deferred = null;
      throw e;
    }
  }

  /** Anything gathered or in flight? Without the mutex: a write that is not write-behind is in neither. */
  boolean pending() {
    return !inFlight.isEmpty() || gather != null;
  }

  /** Nothing gathered, and every write in flight answered: draining waits for nothing. */
  boolean allAnswered() {
    return gather == null && inFlight.stream().allMatch(w -> w.done().isComplete());
  }

  /** Requests in flight, for tests. */
  int inFlight() {
    return inFlight.size();
  }
}
