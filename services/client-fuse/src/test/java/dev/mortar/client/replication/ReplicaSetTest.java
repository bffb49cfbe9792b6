package dev.mortar.client.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.local.LocalBrickFiles;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's replication (AFR) against real brick services: a change reaches every live brick, and a brick that
 * misses it is blamed on the bricks that have it before the change is acknowledged.
 */
@ExtendWith(VertxExtension.class)
class ReplicaSetTest {
  private static final long TIMEOUT_MS = 500;

  @TempDir
  Path dir;
  private Vertx vertx;
  private List<BrickClient> clients;
  private final List<String> deployments = new ArrayList<>();
  private final List<SimpleMeterRegistry> brickMetrics = new ArrayList<>();
  private ReplicaSet rs;

  /** Bricks 0 and 1 run; brick 2 is a dead node (nobody answers at its address). */
  @BeforeEach
  void bricks(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path b = dir.resolve("b" + i);
      if (i < 2) {
        brickMetrics.add(new SimpleMeterRegistry());
        deployments.add(vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009,
            brickMetrics.get(i))).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), i == 1,
          TIMEOUT_MS));
    }
    rs = new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new dev.mortar.common.model.Volume("v", "vol",
        dev.mortar.common.model.VolumeStatus.Started, 3, 0, "tcp", clients.stream().map(c -> c.brick()).toList(),
        java.util.Map.of(dev.mortar.common.model.VolumeOptions.QUORUM_TYPE, "none")));
  }

  private FileMeta meta(int brick, String path) throws Exception {
    return clients.get(brick).call(new Requests.MetaGet(path)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS).meta();
  }

  /** A new file as the brick makes one by default; {@code gfid} null: the brick makes one up. */
  private static Requests.Create create(String path, String gfid) {
    return new Requests.Create(path, 0644, -1, -1, gfid, false, 0, null, 0, Buffer.buffer());
  }

  private static Requests.Write write(String path, long offset, long dirty, String data) {
    return new Requests.Write(path, offset, dirty, null, Buffer.buffer(data));
  }

  @Test
  void aBrickThatMissesAChangeIsBlamedOnTheOnesThatHaveIt() throws Exception {
    rs.write(create("/f", null), "/");
    assertFalse(clients.get(2).isUp(), "the dead brick is marked down after one timeout");
    for (int b = 0; b < 2; b++) {
      assertEquals(1L, meta(b, "/").pending().get(2), "brick " + b + " blames brick 2 for the missed name");
    }

    long t0 = System.nanoTime();
    rs.write(write("/f", 0, 1, "data"), "/f");
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
        "a brick known to be down costs no more waiting");
    for (int b = 0; b < 2; b++) {
      FileMeta m = meta(b, "/f");
      assertEquals(1L, m.pending().get(2), "brick " + b + " blames brick 2 for the missed data");
      assertEquals("data", Files.readString(dir.resolve("b" + b + "/f")));
    }
  }

  @Test
  void readsComeFromTheLocalBrickAndFailOverWhenItIsGone() throws Exception {
    rs.write(create("/r", null), "/");
    rs.write(write("/r", 0, 0, "same"), "/r");
    Files.writeString(dir.resolve("b1/r"), "LOCL"); // tell the copies apart: brick 1 is the local one
    assertEquals("LOCL", rs.read(new Requests.Read("/r", 0, 4), "/r").data().toString());
    vertx.undeploy(deployments.get(1)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("same", rs.read(new Requests.Read("/r", 0, 4), "/r").data().toString(),
        "the local brick is gone: the read comes from the other copy, without an error");
    assertFalse(clients.get(1).isUp());
  }

  @Test
  void aReadWhenNoBrickAnswersForAMomentWaitsForOneInsteadOfFailing() throws Exception {
    rs.write(create("/m", null), "/");
    rs.write(write("/m", 0, 0, "kept"), "/m");
    // Both live bricks' addresses go away for a moment, as while the client's cluster membership merges.
    for (int i = 0; i < 2; i++) {
      vertx.undeploy(deployments.get(i)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Path b0 = dir.resolve("b0");
    vertx.setTimer(300, t -> vertx.deployVerticle(new BrickVerticle("v", "vol", 0, b0, "n0:" + b0, 24009,
        new SimpleMeterRegistry())));
    assertEquals("kept", rs.read(new Requests.Read("/m", 0, 4), "/m").data().toString(),
        "the read waits for brick 0 to answer again");
    assertTrue(clients.get(0).isUp());
  }

  @Test
  void everyCopyOfANewFileHasTheFileIdTheClientChose() throws Exception {
    String gfid = java.util.UUID.randomUUID().toString();
    rs.write(create("/same", gfid), "/");
    assertEquals(gfid, meta(0, "/same").gfid());
    assertEquals(gfid, meta(1, "/same").gfid());
  }

  @Test
  void aRefusalByEveryBrickIsTheAnswer() {
    rs.write(new Requests.Mkdir("/d", 0755, -1, -1, null, 0), "/");
    BrickException e = assertThrows(BrickException.class,
        () -> rs.write(new Requests.Mkdir("/d", 0755, -1, -1, null, 0), "/"));
    assertEquals(Errno.EEXIST, e.errno());
  }

  @Test
  void withQuorumAutoTwoOfThreeBricksWriteOn() throws Exception {
    rs.quorum(new Quorum("auto", 0));
    rs.write(create("/q", null), "/");
    assertEquals(1L, meta(0, "/").pending().get(2), "the majority writes on and blames the dead brick");
  }

  @Test
  void withoutQuorumAWriteFailsWithErofsAndTheCopiesThatTookItAreMarkedForHeal() throws Exception {
    rs.write(create("/nq", null), "/");
    rs.quorum(new Quorum("fixed", 3));
    BrickException e = assertThrows(BrickException.class,
        () -> rs.write(write("/nq", 0, 0, "not acknowledged"), "/nq"));
    assertEquals(Errno.EROFS, e.errno(), "refused at once: brick 2 is known to be down");
    assertEquals(0, Files.size(dir.resolve("b0/nq")), "nothing was sent");

    // A brick that goes away during the write: the write lands on the others, but is not acknowledged.
    rs.quorum(new Quorum("fixed", 2));
    vertx.undeploy(deployments.get(1)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    e = assertThrows(BrickException.class, () -> rs.write(write("/nq", 0, 0, "landed on brick 0 only"), "/nq"));
    assertEquals(Errno.EROFS, e.errno());
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
      while (meta(0, "/nq").dirty() == 0) {
        Thread.sleep(20);
      }
    }, "brick 0's copy is marked dirty, so heal puts the majority's copy back");
  }

  /** Brick {@code i}'s count of an operation it was asked for. */
  private long brickOps(int i, String op) {
    return brickMetrics.get(i).find("mortar_brick_op_seconds").tag("op", op).timers().stream()
        .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
  }

  @Test
  void aSessionsPlainWritesToTheBrickOnThisHostAreMadeInItsDirectoryAndSentToTheOthersOnly() throws Exception {
    SimpleMeterRegistry client = new SimpleMeterRegistry();
    clients.get(1).localFiles(new LocalBrickFiles(clients.get(1).brick().path(), "n1", client));
    clients.get(1).probe().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS); // its root's id
    rs = new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new dev.mortar.common.model.Volume("v", "vol",
        dev.mortar.common.model.VolumeStatus.Started, 3, 0, "tcp", clients.stream().map(c -> c.brick()).toList(),
        java.util.Map.of(dev.mortar.common.model.VolumeOptions.QUORUM_TYPE, "none")));
    rs.write(create("/w", null), "/");
    rs.write(write("/w", 0, 1, "first "), "/w");
    assertEquals(1, brickOps(1, "write"), "a session's first write carries the dirty mark: the brick makes it");
    rs.write(write("/w", 6, 0, "then more"), "/w");
    assertEquals(1, brickOps(1, "write"), "the next one is not sent to the brick on this host");
    assertEquals(2, brickOps(0, "write"), "it is sent to the other");
    assertEquals(1.0, client.get("mortar_client_local_writes_total").counter().count());
    for (int b = 0; b < 2; b++) {
      assertEquals("first then more", Files.readString(dir.resolve("b" + b + "/w")), "brick " + b);
    }
    assertEquals(2L, meta(1, "/w").pending().get(2), "the dead brick is blamed for both writes on the copy written here too");

    BrickException e = assertThrows(BrickException.class, () -> rs.write(write("/gone", 0, 0, "x"), "/gone"));
    assertEquals(Errno.ENOENT, e.errno(), "a file it cannot open here: the brick is asked, and answers");
    assertEquals(2, brickOps(1, "write"));
  }

  @Test
  void bricksTellTheRoomTheyHaveAndTheMountKnowsWhenItIsShort() throws Exception {
    long usable = Files.getFileStore(dir).getUsableSpace();
    // The bricks look at their room when they open, on a worker: asked again until they have.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (int b = 0; b < 2; b++) {
      do {
        clients.get(b).probe().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } while (clients.get(b).availBytes() < 0 && System.nanoTime() < deadline);
    }
    for (int b = 0; b < 2; b++) {
      long told = clients.get(b).availBytes();
      assertTrue(Math.abs(told - usable) < (64L << 20), "brick " + b + " told " + told + " bytes free of " + usable);
    }
    assertEquals(-1, clients.get(2).availBytes(), "a dead brick told nothing");
    assertEquals(usable <= ReplicaSet.SHORT_OF_ROOM_BYTES, rs.shortOfRoom());
  }
}
