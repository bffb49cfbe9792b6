package dev.mortar.mgmt.pool;

import dev.mortar.common.model.PoolState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * This node's current pool state. A state is adopted only if its generation is higher than the current one and
 * only after it is on disk, so a node never acknowledges a change it could lose in a crash.
 */
public final class StateHolder {
  private static final Logger LOG = Logger.getLogger(StateHolder.class.getName());

  private final Vertx vertx;
  private final StateStore store;
  private final List<Consumer<PoolState>> listeners = new CopyOnWriteArrayList<>();
  private volatile PoolState current;
  /** Adoptions run one after another, so that a slow disk write cannot be overtaken by a newer state. */
  private Future<PoolState> queue = Future.succeededFuture();

  public StateHolder(Vertx vertx, StateStore store, PoolState initial) {
    this.vertx = vertx;
    this.store = store;
    this.current = initial;
  }

  public PoolState current() {
    return current;
  }

  public void onChange(Consumer<PoolState> listener) {
    listeners.add(listener);
  }

  /** Adopts {@code next} if it is newer (or {@code force}, for a node joining or leaving a pool). */
  public synchronized Future<PoolState> adopt(PoolState next, boolean force) {
    Promise<PoolState> done = Promise.promise();
    queue = queue.transform(ignored -> {
      PoolState cur = current;
      boolean newer = next.poolId().equals(cur.poolId()) && next.generation() > cur.generation();
      if (!newer && !force) {
        done.complete(cur);
        return Future.succeededFuture(cur);
      }
      return vertx.executeBlocking(() -> {
        store.savePool(next);
        return next;
      }, false).andThen(ar -> {
        if (ar.succeeded()) {
          current = next;
          LOG.fine(() -> "adopted pool state generation " + next.generation());
          listeners.forEach(l -> l.accept(next));
          done.complete(next);
        } else {
          LOG.severe("cannot save the pool state in " + store.dir() + ": " + ar.cause().getMessage()
              + "; this node keeps generation " + cur.generation() + " until the disk accepts writes");
          done.fail(ar.cause());
        }
      }).otherwiseEmpty().map(v -> current);
    });
    return done.future();
  }
}
