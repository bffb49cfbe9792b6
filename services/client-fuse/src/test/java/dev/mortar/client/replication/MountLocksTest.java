package dev.mortar.client.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs' locks of a mount against real brick services: bricks 0 and 1 run, brick 2 is a node that is down until
 * a test starts it.
 */
@ExtendWith(VertxExtension.class)
class MountLocksTest {
  private static final long TIMEOUT_MS = 500;
  private static final long PID = ProcessHandle.current().pid();

  @TempDir
  Path dir;
  private Vertx vertx;
  private final List<BrickClient> clients = new ArrayList<>();
  private MountLocks locks;
  private final String file = UUID.randomUUID().toString();

  @BeforeEach
  void bricks(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    for (int i = 0; i < 3; i++) {
      if (i < 2) {
        deploy(i);
      }
      Path b = dir.resolve("b" + i);
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), false,
          TIMEOUT_MS));
    }
    ReplicaSet rs = new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new Volume("v", "vol", VolumeStatus.Started,
        3, 0, "tcp", clients.stream().map(c -> c.brick()).toList(), Map.of(VolumeOptions.QUORUM_TYPE, "none")));
    locks = new MountLocks(rs, vertx);
  }

  private void deploy(int i) throws Exception {
    Path b = dir.resolve("b" + i);
    vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A lock request of another mount, straight to one brick; the errno it is refused with, or null. */
  private Errno direct(int brick, BrickRequest<?> request) throws Exception {
    try {
      clients.get(brick).call(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return ((BrickException) e.getCause()).errno();
    }
  }

  private Requests.Flock flock(String owner, Requests.FlockType type) {
    return new Requests.Flock(file, owner, type, 10_000);
  }

  private Requests.RecordLocks ranges(String owner, LockRange... r) {
    return new Requests.RecordLocks(file, owner, 10_000, List.of(r));
  }

  @Test
  void aLockInTheWayOnOneBrickIsGivenBackWhereItWasGranted() throws Exception {
    // Another mount holds it on brick 1 only (it took it while brick 0 was cut off from it)
    assertEquals(null, direct(1, flock("other", Requests.FlockType.EXCLUSIVE)));
    assertEquals(-Errno.EAGAIN.code, locks.flock(file, "/f", "me", MountLocks.LOCK_EX | MountLocks.LOCK_NB, PID));
    assertEquals(null, direct(0, flock("third", Requests.FlockType.EXCLUSIVE)), "brick 0 got the flock back");

    assertEquals(null, direct(1, ranges("other", new LockRange(0, 9, true))));
    assertEquals(-Errno.EAGAIN.code, locks.setlk(file, "/f", "me", new LockRange(5, 5, true), true, false, PID));
    assertFalse(locks.holdsRecordLocks("me"));
    assertEquals(null, direct(0, ranges("third", new LockRange(5, 5, true))),
        "brick 0 got the record lock back");
  }

  @Test
  void aBrickThatWasDownWhenTheLockWasTakenGetsItAtTheNextRenewal() throws Exception {
    assertEquals(0, locks.flock(file, "/f", "me", MountLocks.LOCK_EX, PID), "taken on bricks 0 and 1");
    assertEquals(0, locks.setlk(file, "/f", "me", new LockRange(0, 9, true), true, false, PID));
    assertFalse(clients.get(2).isUp(), "brick 2 did not answer");
    deploy(2);
    clients.get(2).probe().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(clients.get(2).isUp());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MountLocks.LEASE_MS);
    while (direct(2, flock("other", Requests.FlockType.EXCLUSIVE)) == null
        || direct(2, ranges("other", new LockRange(9, 9, false))) == null) {
      direct(2, flock("other", Requests.FlockType.UNLOCK));
      direct(2, ranges("other"));
      assertTrue(System.nanoTime() < deadline, "brick 2 has the locks within a renewal");
      Thread.sleep(200);
    }
  }
}
