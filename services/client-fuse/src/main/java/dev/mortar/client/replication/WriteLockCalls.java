package dev.mortar.client.replication;

import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.EveryBrickLock;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The mount's lock requests to its bricks: what {@link EveryBrickLock} takes a file's write lock with.
 */
public final class WriteLockCalls implements EveryBrickLock.Bricks<BrickClient> {
  private static final Logger LOG = Logger.getLogger(WriteLockCalls.class.getName());
  /**
   * The lock's lease, renewed every third of it while held. Short: a writer cut off while holding a lock holds up the
   * other side of the cut until the lease runs out.
   */
  public static final long LEASE_MS = ClientTunables.WRITE_LOCK_LEASE_MS.get();
  private static final long WAIT_MS = ClientTunables.WRITE_LOCK_WAIT_MS.get();
  /** A wait for another writer's lock this long is logged, with who held it. */
  private static final long SLOW_MS = 500;

  private final ReplicaSet rs;

  public WriteLockCalls(ReplicaSet rs) {
    this.rs = rs;
  }

  @Override
  public Future<Void> tryLock(BrickClient b, String path, String owner) {
    return lockCall(b, path, owner, 0).mapEmpty();
  }

  @Override
  public void await(BrickClient b, Future<Void> call) {
    rs.await(call);
  }

  /** First without waiting, within the ping timeout (a brick that does not answer is away, not busy), then waits. */
  @Override
  public void lockWaiting(BrickClient b, String path, String owner) {
    try {
      rs.await(lockCall(b, path, owner, 0));
    } catch (BrickException busy) {
      if (busy.errno() != Errno.EAGAIN) {
        throw busy;
      }
      long t0 = System.nanoTime();
      try {
        lockCall(b, path, owner, WAIT_MS).toCompletionStage().toCompletableFuture()
            .get(WAIT_MS + 5_000, TimeUnit.MILLISECONDS);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        if (waitedMs >= SLOW_MS) {
          LOG.warning("waited " + waitedMs + " ms for the write lock on " + b.brick().name() + ": "
              + busy.getMessage());
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof BrickException be ? be : new BrickException(Errno.EIO, String.valueOf(e));
      } catch (Exception e) {
        throw new BrickException(Errno.EIO, path + ": no answer to the write lock: " + e);
      }
    }
  }

  @Override
  public void unlock(List<BrickClient> held, String path, String owner) {
    awaitQuietly(unlockCalls(held, path, owner));
  }

  /** The unlocks, sent; their answers for a caller that waits. */
  public static List<Future<Replies.Done>> unlockCalls(List<BrickClient> held, String path, String owner) {
    Requests.Unlock unlock = new Requests.Unlock(path, owner);
    return held.stream().map(b -> b.call(unlock)).toList();
  }

  /** Waits until every call has answered or failed (or the bricks' timeout): the caller looks at each, or not. */
  public void awaitQuietly(List<Future<Replies.Done>> calls) {
    try {
      rs.await(Future.join(calls));
    } catch (BrickException someFailed) {
      // an UNLOCK a brick did not answer ends with its lease; a LOCK that failed is not held
    }
  }

  /** A try or a renewal of a held lease ({@code waitMs} 0), or a wait for the lock. */
  public static Future<Replies.Done> lockCall(BrickClient b, String path, String owner, long waitMs) {
    Requests.Lock lock = new Requests.Lock(path, owner, LEASE_MS, waitMs);
    // A try is answered within the ping timeout; a wait may last as long as it asked for, by design.
    return waitMs == 0 ? b.call(lock) : b.call(lock, waitMs + 2_000);
  }
}
