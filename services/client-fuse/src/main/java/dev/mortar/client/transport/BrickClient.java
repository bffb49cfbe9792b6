package dev.mortar.client.transport;

import dev.mortar.client.local.LocalBrickFiles;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.AbstractBrickClient;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import dev.mortar.common.model.Brick;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One brick of the mounted volume, as the client sees it: requests, and whether the brick is up. Whether a brick is
 * there is told by pings, as GlusterFS's ping timer does, not by how long one request takes: while a request waits,
 * the brick is pinged, and a brick that answers no ping for {@code network.ping-timeout} is marked down, its
 * waiting requests fail with ENOTCONN, and the replica set goes on without it; a background probe marks it up
 * again. A live brick's slow request (an fsync of a large file on a slow disk) is waited for, up to
 * {@link #OP_DEADLINE_MS}.
 */
public final class BrickClient extends AbstractBrickClient {
  private static final Logger LOG = Logger.getLogger(BrickClient.class.getName());
  /** The longest a request is waited for while its brick answers pings (GlusterFS's frame timeout is 30 min). */
  public static final long OP_DEADLINE_MS = ClientTunables.OP_DEADLINE_MS.get();
  /**
   * Requests with this much data are sent from an event loop: sending one encodes it, a copy of the data into a new
   * buffer, which the FUSE thread that a program's write waits for should not pay (a 1 MiB gathered write cost it
   * about 1 ms here).
   */
  private static final int SEND_FROM_LOOP_BYTES = 64 << 10;
  private static final long PING_CHECK_MIN_MS = ClientTunables.PING_CHECK_MIN_MS.get();
  /** The answer to a write made in the brick's directory here: the brick would have told the attributes. */
  private static final Replies.AttrReply WRITTEN_HERE = new Replies.AttrReply(null);

  private final int index;
  private final Brick brick;
  private final boolean local;
  private final Vertx vertx;
  private final String volumeId;
  private final RemoteBrick remote;
  private volatile long timeoutMs;
  private volatile boolean up = true;
  /** This brick was down at some time during this mount: it may have missed writes until healed. */
  private volatile boolean missedWrites;
  private volatile Set<Integer> blames = Set.of();
  /** Bytes free on the brick's filesystem at its last status; -1 unknown. */
  private volatile long availBytes = -1;
  /** Where the brick reported its root's device:inode (a local directory). */
  private volatile String rootId;
  /** Set where the brick is a directory on this host: reads may go to its files directly. */
  private volatile LocalBrickFiles localFiles;
  /** Requests sent and not answered yet, with when each was sent (System.nanoTime). */
  private final Map<Promise<?>, Long> waiting = new ConcurrentHashMap<>();
  private final AtomicBoolean pinging = new AtomicBoolean();
  /** Where large requests are sent from (one event loop, in the order they come). */
  private final Context sender;

  public BrickClient(Vertx vertx, String volumeId, int index, Brick brick, boolean local, long timeoutMs) {
    this.vertx = vertx;
    this.index = index;
    this.brick = brick;
    this.local = local;
    this.volumeId = volumeId;
    this.remote = new RemoteBrick(vertx, Addresses.brick(volumeId, index), OP_DEADLINE_MS);
    this.timeoutMs = timeoutMs;
    this.sender = vertx.getOrCreateContext();
    vertx.setPeriodic(checkEveryMs(timeoutMs), t -> pingIfWaiting());
  }

  /** Its place in the volume's list of bricks. */
  public int index() {
    return index;
  }

  public Brick brick() {
    return brick;
  }

  /** On this host: read first. */
  public boolean isLocal() {
    return local;
  }

  /** Follows {@code network.ping-timeout} when it is changed with {@code volume set} (pinged as often as before). */
  public void timeout(long ms) {
    timeoutMs = ms;
  }

  public boolean isUp() {
    return up;
  }

  /** This brick was down during this mount and may have missed this client's writes. */
  public boolean missedWrites() {
    return missedWrites;
  }

  /** Heal is done with it: no live brick blames it any more. */
  public void healed() {
    missedWrites = false;
    LOG.info("brick " + brick.name() + " is healed; reading from it again");
  }

  public void localFiles(LocalBrickFiles files) {
    localFiles = files;
  }

  /** File data read on this host without a request, or null: ask the brick. */
  public Buffer readLocally(String path, long offset, int size) {
    LocalBrickFiles files = localFiles;
    return files == null ? null : files.read(rootId, path, offset, size);
  }

  /**
   * A WRITE. Without a dirty mark (a write session's writes after its first, under its lock), made in this brick's
   * directory on this host by {@link LocalBrickFiles#write}, so that its data is not sent to a brick on the same
   * host; answered as the brick would, without the attributes (nothing reads those of a plain write). Sent to the
   * brick where it cannot be made here.
   */
  public Future<Replies.AttrReply> writeHere(Requests.Write write) {
    LocalBrickFiles files = localFiles;
    if (files == null || write.dirty() != 0) {
      return call(write);
    }
    return files.write(rootId, write.path(), write.offset(), write.data()).compose(made -> made
        ? Future.succeededFuture(WRITTEN_HERE) : call(write));
  }

  /** The brick's directory where it is on this host, or null. */
  public LocalBrickFiles localFiles() {
    return localFiles;
  }

  /** The device:inode the brick reported for its root. */
  public String rootId() {
    return rootId;
  }

  /** Bytes free for writes on the brick at its last status (a second or two old); -1 unknown (an old node). */
  public long availBytes() {
    return availBytes;
  }

  /** The bricks this brick holds changes for that they missed, as of its last status. */
  public Set<Integer> blames() {
    return blames;
  }

  @Override
  public <R> Future<R> call(BrickRequest<R> request) {
    return call(request, OP_DEADLINE_MS);
  }

  /** A request given up after {@code deadlineMs} even while the brick answers pings (a lock's wait). */
  public <R> Future<R> call(BrickRequest<R> request, long deadlineMs) {
    Promise<R> answer = Promise.promise();
    waiting.put(answer, System.nanoTime());
    Runnable send = () -> remote.call(request, deadlineMs).onComplete(ar -> {
      waiting.remove(answer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause()); // the ping may have failed it first
      }
    });
    if (dataBytes(request) >= SEND_FROM_LOOP_BYTES) {
      sender.runOnContext(v -> send.run());
    } else {
      send.run();
    }
    return answer.future().onFailure(this::downIfSilent);
  }

  /** The file data a request carries. */
  private static int dataBytes(BrickRequest<?> request) {
    if (request instanceof Requests.Write w) {
      return w.data().length();
    }
    if (request instanceof Requests.Create c) {
      return c.data().length();
    }
    return request instanceof Requests.SetXattr x ? x.value().length() : 0;
  }

  private void downIfSilent(Throwable e) {
    if (e instanceof BrickException b && b.errno() == Errno.ENOTCONN) {
      markDown(e.getMessage());
    }
  }

  /**
   * Pings the brick where a request has waited a quarter of a ping timeout; if the ping is not answered within the
   * other three quarters, the brick is silent: the requests that waited since before the ping fail, and it is marked
   * down. A dead brick so stalls a request for at most one ping timeout, as a request timeout did, and one whose node
   * is gone from the cluster (killed: its address has no handler any more) for a quarter of one; a busy brick does
   * not. One ping at a time.
   */
  private void pingIfWaiting() {
    long now = System.nanoTime();
    long pingAfterMs = timeoutMs / 4;
    // Within one check of that quarter, so that a silent brick stalls a request for no more than a ping timeout.
    long due = TimeUnit.MILLISECONDS.toNanos(Math.max(0, pingAfterMs - checkEveryMs(timeoutMs)));
    if (waiting.values().stream().noneMatch(sent -> now - sent >= due) || !pinging.compareAndSet(false, true)) {
      return;
    }
    ping(timeoutMs - pingAfterMs).onComplete(ar -> {
      pinging.set(false);
      if (ar.failed() && ar.cause() instanceof BrickException b && b.errno() == Errno.ENOTCONN) {
        BrickException silent = new BrickException(Errno.ENOTCONN, "brick " + brick.name() + " was silent for a ping"
            + " timeout (" + timeoutMs + " ms, network.ping-timeout): " + b.getMessage());
        waiting.forEach((p, sent) -> {
          if (sent <= now) {
            p.tryFail(silent);
          }
        });
      }
    });
  }

  private static long checkEveryMs(long timeoutMs) {
    return Math.max(PING_CHECK_MIN_MS, timeoutMs / 10);
  }

  private Future<Replies.StatusReply> ping(long timeout) {
    return remote.call(Requests.Status.INSTANCE, timeout);
  }

  void markDown(String why) {
    if (up) {
      up = false;
      missedWrites = true;
      LOG.warning("brick " + brick.name() + " is down (" + why + "); writing on without it, it is healed later");
    }
  }

  /** Asks the brick whether it is up, and whom it blames. */
  public Future<Void> probe() {
    return ping(timeoutMs).onFailure(this::downIfSilent).onSuccess(status -> {
      blames = status.blames() == null ? Set.of() : Set.copyOf(status.blames()); // none from an old node
      rootId = status.rootId();
      availBytes = status.availBytes();
      if (!up) {
        up = true;
        LOG.info("brick " + brick.name() + " is up again");
        // It may have missed writes of this client: the healers need not wait for their next sweep.
        vertx.eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(volumeId, "client saw brick "
            + brick.name() + " again").toJson());
      }
    }).mapEmpty();
  }
}
