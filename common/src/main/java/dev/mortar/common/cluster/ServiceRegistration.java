package dev.mortar.common.cluster;

import dev.mortar.common.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;
import java.util.logging.Logger;

/**
 * A service's consumer on the clustered event bus that stays reachable across network partitions. After a partition
 * heals, Hazelcast merges the two halves and may drop the registrations of one half from the cluster-wide
 * subscription map, so the service would answer "no handlers" until a restart. The registration is therefore checked
 * when this node sees a peer become Connected ({@link Addresses#LOCAL_PEER_CONNECTED}), again 1, 3 and 6 s later
 * (merged data can land after the first heartbeat), and every {@link #CHECK_MS} ms.
 *
 * <p>Only a registration that is really missing is replaced: unregistering a consumer discards the requests queued
 * on it (their senders get an immediate TIMEOUT failure), so a consumer that the cluster can still reach is never
 * touched. A replacement is registered before the old consumer is removed, so local requests never find the address
 * empty.
 */
public final class ServiceRegistration<T> {
  private static final Logger LOG = Logger.getLogger(ServiceRegistration.class.getName());
  private static final long CHECK_MS = 10_000;
  private static final long[] RECHECK_AFTER_CONNECT_MS = {1_000, 3_000, 6_000};

  private final Vertx vertx;
  private final String address;
  private final Handler<Message<T>> handler;
  private volatile MessageConsumer<T> current;
  private boolean checking;

  private ServiceRegistration(Vertx vertx, String address, Handler<Message<T>> handler) {
    this.vertx = vertx;
    this.address = address;
    this.handler = handler;
  }

  /** Registers {@code handler} at {@code address} and keeps it registered in the cluster. Call from a verticle. */
  public static <T> Future<ServiceRegistration<T>> register(Vertx vertx, String address, Handler<Message<T>> handler) {
    ServiceRegistration<T> r = new ServiceRegistration<>(vertx, address, handler);
    MessageConsumer<T> c = vertx.eventBus().consumer(address, handler);
    r.current = c;
    if (((VertxInternal) vertx).clusterManager() != null) {
      vertx.eventBus().localConsumer(Addresses.LOCAL_PEER_CONNECTED, m -> {
        r.check();
        for (long after : RECHECK_AFTER_CONNECT_MS) {
          vertx.setTimer(after, id -> r.check());
        }
      });
      vertx.setPeriodic(CHECK_MS, id -> r.check()); // timers and consumers go with the verticle's undeploy
    }
    return c.completion().map(r);
  }

  private void check() {
    if (checking || !current.isRegistered()) {
      return;
    }
    checking = true;
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    Promise<List<RegistrationInfo>> regs = Promise.promise();
    cm.getRegistrations(address, regs);
    regs.future()
        .compose(list -> list.stream().anyMatch(r -> cm.getNodeId().equals(r.nodeId())) ? Future.succeededFuture()
            : replace())
        .onComplete(ar -> checking = false)
        .onFailure(e -> LOG.warning("cannot check or renew the cluster registration of " + address + ": "
            + e.getMessage() + "; checked again in " + CHECK_MS / 1000 + " s"));
  }

  private Future<Void> replace() {
    LOG.info("the cluster lost this node's registration of " + address + " (a healed partition); registering again");
    MessageConsumer<T> old = current;
    MessageConsumer<T> fresh = vertx.eventBus().consumer(address, handler);
    return fresh.completion().compose(v -> {
      current = fresh;
      return old.unregister();
    });
  }
}
