package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickCalls;
import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The object store dies under a brick: the brick says so at once (offline, ENOTCONN) and is back when it is. */
@ExtendWith(VertxExtension.class)
class S3StoreDownTest {
  private static final String VOL = "down-vol";
  @TempDir
  Path dir;

  private static <R> R call(Vertx vertx, BrickRequest<R> request) {
    return BrickCalls.await(new RemoteBrick(vertx, Addresses.brick(VOL, 0), 10_000).call(request));
  }

  /** Asks {@code request} until the brick answers it, for up to {@code seconds}; null if it never does. */
  private static <R> R firstAnswer(Vertx vertx, BrickRequest<R> request, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try {
        return call(vertx, request);
      } catch (BrickException notYet) {
        Thread.sleep(100);
      }
    }
    return null;
  }

  @Test
  void aDeadStoreTakesTheBrickOfflineFastAndItComesBackWithTheStore(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("s3proxy"))) {
      vertx.deployVerticle(new BrickVerticle("v", VOL, 0, "s3://mortar-test/down", "n1:s3://mortar-test/down", 24009,
          registry, server.config())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      call(vertx, new Requests.Create("/f", 0644, -1, -1, null, false, 0, null, 0, Buffer.buffer()));
      call(vertx, new Requests.Write("/f", 0L, 0, null, Buffer.buffer("before")));

      server.kill();
      long t0 = System.nanoTime();
      BrickException write = assertThrows(BrickException.class, () -> call(vertx,
          new Requests.Write("/f", 6L, 0, null, Buffer.buffer("during"))));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Errno.ENOTCONN, write.errno(), write.getMessage());
      assertTrue(ms < 2_000, "a write to a dead store failed in " + ms + " ms; clients must not wait on it");
      BrickException status = assertThrows(BrickException.class,
          () -> call(vertx, Requests.Status.INSTANCE));
      assertEquals(Errno.ENOTCONN, status.errno(), "the brick reports itself offline: " + status.getMessage());
      assertEquals(Errno.ENOTCONN, assertThrows(BrickException.class,
          () -> call(vertx, Requests.IndexList.INSTANCE)).errno());
      assertTrue(registry.find("mortar_s3_requests_seconds").tag("outcome", "unavailable").timer().count() > 0,
          "the failure shows in the metrics");

      server.restart();
      long back0 = System.nanoTime();
      Replies.StatusReply up = firstAnswer(vertx, Requests.Status.INSTANCE, 15);
      assertTrue(up != null && up.online(), "the brick is online again with its store");
      System.out.printf("[s3] store back -> brick online after %d ms%n", (System.nanoTime() - back0) / 1_000_000);
      assertEquals("before", call(vertx, new Requests.Read("/f", 0, 100)).data().toString(), "what was written before the outage is there; the failed write is not");
    }
  }

  @Test
  void aBrickWhoseStoreIsNotUpYetStartsOfflineAndOpensWhenItIs(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("late-s3proxy"))) {
      server.kill();
      vertx.deployVerticle(new BrickVerticle("v", VOL, 0, "s3://mortar-test/late", "n1:s3://mortar-test/late", 24009,
          new SimpleMeterRegistry(), server.config())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(Errno.ENOTCONN, assertThrows(BrickException.class,
          () -> call(vertx, Requests.Status.INSTANCE)).errno(), "offline, not missing");
      server.restart();
      assertTrue(firstAnswer(vertx, new Requests.Lookup("/"), 20) != null, "the brick opened once its store answered");
    }
  }
}
