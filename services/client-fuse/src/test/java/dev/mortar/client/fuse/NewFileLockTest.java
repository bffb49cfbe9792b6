package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.replication.MountLocks;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
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
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Programs' locks of a file just made through a mount, whose create is not sent to the bricks yet, against real
 * brick services and two mounts of the volume.
 */
@ExtendWith(VertxExtension.class)
class NewFileLockTest {
  private static final long TIMEOUT_MS = 500;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;

  @TempDir
  Path dir;

  /** A mount of the volume, with its own connections to the bricks. */
  private MortarFs mount(Vertx vertx) {
    List<BrickClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), false,
          TIMEOUT_MS));
    }
    ReplicaSet rs = new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new Volume("v", "vol", VolumeStatus.Started,
        2, 0, "tcp", clients.stream().map(BrickClient::brick).toList(), Map.of(VolumeOptions.QUORUM_TYPE, "none")));
    return new MortarFs(rs, vertx, 1_000, new SimpleMeterRegistry());
  }

  private static FuseFileInfo handle(int flags, long lockOwner) {
    FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64));
    fi.flags.set(flags);
    fi.lock_owner.set(lockOwner);
    return fi;
  }

  /**
   * Two servers' cron jobs run {@code flock -n job.lock job} as job.lock is made: each mount found the name absent and
   * makes the file (O_CREAT), and the bricks keep the file of the create that came first. Both programs lock the same
   * file, so only one of them runs its job.
   */
  @Test
  void aFlockOnAFileMadeAtOnceThroughTwoMountsExcludesTheOther(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    MortarFs one = mount(vertx);
    MortarFs two = mount(vertx);

    FuseFileInfo first = handle(O_RDONLY | O_CREAT, 1);
    assertEquals(0, two.create("/job.lock", 0644, first));
    assertEquals(0, two.flock("/job.lock", first, MountLocks.LOCK_EX | MountLocks.LOCK_NB));
    // Mount one found the name absent too; its create is not sent yet either, and the bricks keep mount two's file
    FuseFileInfo second = handle(O_WRONLY | O_CREAT | O_TRUNC, 2);
    assertEquals(0, one.create("/job.lock", 0644, second));
    assertEquals(-Errno.EAGAIN.code, one.flock("/job.lock", second, MountLocks.LOCK_EX | MountLocks.LOCK_NB),
        "the file is flocked through the other mount");

    assertEquals(0, two.release("/job.lock", first));
    assertEquals(0, one.release("/job.lock", second));
  }
}
