package dev.mortar.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.Addresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A clustered node's service stays answerable while peers connect, and comes back when the cluster loses it. */
class ServiceRegistrationTest {
  private static final String ADDRESS = "mortar.test.echo";
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = await(ClusterBootstrap.start("127.0.0.1", freePort(), freePort(), UUID.randomUUID().toString(), List.of(),
        false, new SimpleMeterRegistry()));
    await(vertx.deployVerticle(new AbstractVerticle() {
      @Override
      public void start(Promise<Void> started) {
        ServiceRegistration.<String>register(vertx, ADDRESS, m -> m.reply(m.body())).<Void>mapEmpty()
            .onComplete(started);
      }
    }));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void requestsInFlightWhilePeersConnectAreAllAnswered() throws Exception {
    List<Future<?>> replies = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      if (i % 50 == 0) {
        vertx.eventBus().publish(Addresses.LOCAL_PEER_CONNECTED, "peer-" + i);
      }
      replies.add(vertx.eventBus().request(ADDRESS, "r" + i, new DeliveryOptions().setSendTimeout(30_000)));
    }
    int failed = 0;
    for (Future<?> f : replies) {
      failed += await(f.otherwiseEmpty()) == null ? 1 : 0;
    }
    assertEquals(0, failed, "requests failed while peers connected");
  }

  @Test
  void aRegistrationTheClusterLostIsMadeAgainWhenAPeerConnects() throws Exception {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    for (RegistrationInfo r : registrations(cm)) {
      Promise<Void> removed = Promise.promise();
      cm.removeRegistration(ADDRESS, r, removed);
      await(removed.future());
    }
    assertTrue(registrations(cm).isEmpty(), "the registration is gone, as after a partition merge");

    vertx.eventBus().publish(Addresses.LOCAL_PEER_CONNECTED, "peer");
    long end = System.currentTimeMillis() + 10_000;
    while (registrations(cm).stream().noneMatch(r -> r.nodeId().equals(cm.getNodeId()))) {
      assertTrue(System.currentTimeMillis() < end, "registered again within 10 s");
      Thread.sleep(50);
    }
    assertEquals("hello", await(vertx.eventBus().<String>request(ADDRESS, "hello")).body());
  }

  private List<RegistrationInfo> registrations(ClusterManager cm) throws Exception {
    Promise<List<RegistrationInfo>> p = Promise.promise();
    cm.getRegistrations(ADDRESS, p);
    return await(p.future());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
