package dev.mortar.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.model.Brick;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Write sessions' ends against two real brick services: many sessions, one request per brick, marks then locks. */
@ExtendWith(VertxExtension.class)
class SessionEndsTest {
  @TempDir
  Path dir;
  private final List<BrickClient> clients = new ArrayList<>();
  private final List<SimpleMeterRegistry> registries = new ArrayList<>();
  private SessionEnds ends;

  @BeforeEach
  void bricks(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registries.add(registry);
      vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, registry))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), false, 2_000));
    }
    ends = new SessionEnds(vertx);
  }

  private static BrickFrame call(BrickClient b, BrickOp op, String path, Consumer<JsonObject> fields) throws Exception {
    return b.call(op, path, fields, Buffer.buffer()).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private double endRequests(int brick) {
    var t = registries.get(brick).find("mortar_brick_op_seconds").tag("op", "end_sessions").timer();
    return t == null ? 0 : t.count();
  }

  @Test
  void manySessionsEndInOneRequestPerBrickMarksClearedAndLocksGivenUp() throws Exception {
    for (int f = 0; f < 20; f++) {
      String path = "/f" + f;
      for (BrickClient b : clients) {
        call(b, BrickOp.CREATE, path, h -> h.put(BrickFields.OWNER, "w" + path).put(BrickFields.LEASE, 60_000)
            .put(BrickFields.DIRTY, 1));
      }
    }
    for (int f = 0; f < 20; f++) {
      ends.add("/f" + f, clients, "w/f" + f, clients, "/f" + f);
    }
    await(ends.flush());
    for (int b = 0; b < 2; b++) {
      assertEquals(1.0, endRequests(b), "brick " + b + ": twenty sessions, one request");
      for (int f = 0; f < 20; f++) {
        String path = "/f" + f;
        assertEquals(0, FileMeta.fromJson(call(clients.get(b), BrickOp.META_GET, path, h -> { }).header()
            .getJsonObject(BrickFields.META)).dirty(), path + " clean on brick " + b);
        call(clients.get(b), BrickOp.LOCK, path, h -> h.put(BrickFields.OWNER, "next").put(BrickFields.WAIT, 0));
      }
    }
  }

  @Test
  void aQueuedEndGoesByItsTimerWithoutAFlush() throws Exception {
    BrickClient b = clients.get(0);
    for (String path : List.of("/timer", "/again")) {
      call(b, BrickOp.CREATE, path, h -> h.put(BrickFields.OWNER, "w" + path).put(BrickFields.LEASE, 60_000)
          .put(BrickFields.DIRTY, 1));
    }
    ends.add("/timer", List.of(b), "w/timer", List.of(b), "/timer");
    // Nobody flushes: its timer sends it, and the lock is free within a second at most.
    call(b, BrickOp.LOCK, "/timer", h -> h.put(BrickFields.OWNER, "next").put(BrickFields.WAIT, 1_000));
    assertEquals(0, FileMeta.fromJson(call(b, BrickOp.META_GET, "/timer", h -> { }).header()
        .getJsonObject(BrickFields.META)).dirty());

    ends.add("/again", List.of(b), "w/again", List.of(b), "/again");
    ends.flushIfQueued("/other"); // nothing queued for it: the queue stays
    ends.flushIfQueued("/again");
    call(b, BrickOp.LOCK, "/again", h -> h.put(BrickFields.OWNER, "next").put(BrickFields.WAIT, 1_000));
    assertEquals(2.0, endRequests(0), "one request each time");
  }

  @Test
  void aSessionOfAFileRenamedSinceClearsTheMarkWhereTheFileIsAndGivesUpTheLockWhereItWasTaken() throws Exception {
    BrickClient b = clients.get(0);
    call(b, BrickOp.CREATE, "/log", h -> h.put(BrickFields.OWNER, "w/log").put(BrickFields.LEASE, 60_000)
        .put(BrickFields.DIRTY, 1));
    call(b, BrickOp.RENAME, "/log", h -> h.put(BrickFields.TO, "/log.1")); // logrotate, while the writer writes
    call(b, BrickOp.CREATE, "/log", h -> h.put(BrickFields.OWNER, "w2/log").put(BrickFields.DIRTY, 1)); // a new log
    ends.add("/log.1", List.of(b), "w/log", List.of(b), "/log");
    await(ends.flush());
    assertEquals(0, FileMeta.fromJson(call(b, BrickOp.META_GET, "/log.1", h -> { }).header()
        .getJsonObject(BrickFields.META)).dirty(), "the renamed file's mark is cleared");
    assertEquals(1, FileMeta.fromJson(call(b, BrickOp.META_GET, "/log", h -> { }).header()
        .getJsonObject(BrickFields.META)).dirty(), "the new file at the old name keeps its own");
    call(b, BrickOp.LOCK, "/log", h -> h.put(BrickFields.OWNER, "next").put(BrickFields.WAIT, 0)); // given up
  }
}
