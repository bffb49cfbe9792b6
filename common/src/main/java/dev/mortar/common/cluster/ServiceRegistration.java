package dev.mortar.common.cluster;

import dev.mortar.common.api.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.logging.Logger;

/**
 * A service's consumer on the clustered event bus that is registered anew whenever this node sees a peer become
 * Connected ({@link Addresses#LOCAL_PEER_CONNECTED}). After a network partition heals, Hazelcast merges the two
 * halves and may drop the registrations of one half from the cluster-wide subscription map; re-registering makes
 * the service reachable again instead of answering "no handlers" until a restart. The new registration is made
 * before the old one is removed, so requests never find the address empty.
 */
public final class ServiceRegistration<T> {
  private static final Logger LOG = Logger.getLogger(ServiceRegistration.class.getName());

  private final Vertx vertx;
  private final String address;
  private final Handler<Message<T>> handler;
  private volatile MessageConsumer<T> current;

  private ServiceRegistration(Vertx vertx, String address, Handler<Message<T>> handler) {
    this.vertx = vertx;
    this.address = address;
    this.handler = handler;
  }

  /** Registers {@code handler} at {@code address}, and again after each partition heals. */
  public static <T> Future<ServiceRegistration<T>> register(Vertx vertx, String address, Handler<Message<T>> handler) {
    ServiceRegistration<T> r = new ServiceRegistration<>(vertx, address, handler);
    MessageConsumer<T> c = vertx.eventBus().consumer(address, handler);
    r.current = c;
    vertx.eventBus().localConsumer(Addresses.LOCAL_PEER_CONNECTED, m -> r.refresh());
    return c.completion().map(r);
  }

  private void refresh() {
    MessageConsumer<T> old = current;
    MessageConsumer<T> fresh = vertx.eventBus().consumer(address, handler);
    fresh.completion().onSuccess(v -> {
      current = fresh;
      old.unregister();
    }).onFailure(e -> LOG.warning("cannot register " + address + " again: " + e.getMessage()));
  }
}
