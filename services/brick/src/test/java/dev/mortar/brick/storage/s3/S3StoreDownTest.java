package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickCalls;
import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The object store dies under a brick: the brick says so at once (offline, ENOTCONN) and is back when it is. */
@ExtendWith(VertxExtension.class)
class S3StoreDownTest {
  private static final String VOL = "down-vol";
  @TempDir
  Path dir;

  private static BrickFrame call(Vertx vertx, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    return BrickCalls.call(vertx, Addresses.brick(VOL, 0), op, path, fields, data);
  }

  /** Asks {@code op} of "/" until the brick answers it, for up to {@code seconds}; null if it never does. */
  private static BrickFrame firstAnswer(Vertx vertx, BrickOp op, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      try {
        return call(vertx, op, "/", h -> { }, Buffer.buffer());
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
      call(vertx, BrickOp.CREATE, "/f", h -> { }, Buffer.buffer());
      call(vertx, BrickOp.WRITE, "/f", h -> h.put(BrickFields.OFFSET, 0L), Buffer.buffer("before"));

      server.kill();
      long t0 = System.nanoTime();
      BrickException write = assertThrows(BrickException.class, () -> call(vertx, BrickOp.WRITE, "/f",
          h -> h.put(BrickFields.OFFSET, 6L), Buffer.buffer("during")));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(Errno.ENOTCONN, write.errno(), write.getMessage());
      assertTrue(ms < 2_000, "a write to a dead store failed in " + ms + " ms; clients must not wait on it");
      BrickException status = assertThrows(BrickException.class,
          () -> call(vertx, BrickOp.STATUS, "/", h -> { }, Buffer.buffer()));
      assertEquals(Errno.ENOTCONN, status.errno(), "the brick reports itself offline: " + status.getMessage());
      assertEquals(Errno.ENOTCONN, assertThrows(BrickException.class,
          () -> call(vertx, BrickOp.INDEX_LIST, "/", h -> { }, Buffer.buffer())).errno());
      assertTrue(registry.find("mortar_s3_requests_seconds").tag("outcome", "unavailable").timer().count() > 0,
          "the failure shows in the metrics");

      server.restart();
      long back0 = System.nanoTime();
      BrickFrame up = firstAnswer(vertx, BrickOp.STATUS, 15);
      assertTrue(up != null && up.header().getBoolean("online"), "the brick is online again with its store");
      System.out.printf("[s3] store back -> brick online after %d ms%n", (System.nanoTime() - back0) / 1_000_000);
      assertEquals("before", call(vertx, BrickOp.READ, "/f", h -> h.put(BrickFields.SIZE, 100), Buffer.buffer())
          .data().toString(), "what was written before the outage is there; the failed write is not");
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
          () -> call(vertx, BrickOp.STATUS, "/", h -> { }, Buffer.buffer())).errno(), "offline, not missing");
      server.restart();
      assertTrue(firstAnswer(vertx, BrickOp.LOOKUP, 20) != null, "the brick opened once its store answered");
    }
  }
}
