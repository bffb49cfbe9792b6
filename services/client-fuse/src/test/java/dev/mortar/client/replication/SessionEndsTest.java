package dev.mortar.client.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /** A new file, dirty and locked by {@code owner}, as a client's create makes it. */
  private static void create(BrickClient b, String path, String owner, long lease) throws Exception {
    await(b.call(new Requests.Create(path, 0644, -1, -1, null, false, 1, owner, lease, Buffer.buffer())));
  }

  private static FileMeta meta(BrickClient b, String path) throws Exception {
    return await(b.call(new Requests.MetaGet(path))).meta();
  }

  private static void lock(BrickClient b, String path, String owner, long waitMs) throws Exception {
    await(b.call(new Requests.Lock(path, owner, 10_000, waitMs)));
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
        create(b, path, "w" + path, 60_000);
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
        assertEquals(0, meta(clients.get(b), path).dirty(), path + " clean on brick " + b);
        lock(clients.get(b), path, "next", 0);
      }
    }
  }

  @Test
  void aQueuedEndGoesByItsTimerWithoutAFlush() throws Exception {
    BrickClient b = clients.get(0);
    for (String path : List.of("/timer", "/again")) {
      create(b, path, "w" + path, 60_000);
    }
    ends.add("/timer", List.of(b), "w/timer", List.of(b), "/timer");
    // Nobody flushes: its timer sends it, and the lock is free within a second at most.
    lock(b, "/timer", "next", 1_000);
    assertEquals(0, meta(b, "/timer").dirty());

    ends.add("/again", List.of(b), "w/again", List.of(b), "/again");
    ends.flushIfQueued("/other"); // nothing queued for it: the queue stays
    ends.flushIfQueued("/again");
    lock(b, "/again", "next", 1_000);
    // The brick times a request once it has answered it, which may be just after the lock it gave up is taken.
    for (int i = 0; i < 100 && endRequests(0) < 2; i++) {
      Thread.sleep(10);
    }
    assertEquals(2.0, endRequests(0), "one request each time");
  }

  @Test
  void aSessionOfAFileRenamedSinceClearsTheMarkWhereTheFileIsAndGivesUpTheLockWhereItWasTaken() throws Exception {
    BrickClient b = clients.get(0);
    create(b, "/log", "w/log", 60_000);
    await(b.call(new Requests.Rename("/log", "/log.1"))); // logrotate, while the writer writes
    create(b, "/log", "w2/log", 10_000); // a new log
    ends.add("/log.1", List.of(b), "w/log", List.of(b), "/log");
    await(ends.flush());
    assertEquals(0, meta(b, "/log.1").dirty(), "the renamed file's mark is cleared");
    assertEquals(1, meta(b, "/log").dirty(), "the new file at the old name keeps its own");
    lock(b, "/log", "next", 0); // given up
  }
}
