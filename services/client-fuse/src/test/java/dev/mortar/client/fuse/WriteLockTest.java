package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The write lock through the FUSE callbacks, against real brick services: bricks 0 and 1 run, brick 2 is a node
 * that just died (its requests are taken and never answered).
 */
@ExtendWith(VertxExtension.class)
class WriteLockTest {
  private static final long TIMEOUT_MS = 500;
  private static final int O_WRONLY = 1;

  @TempDir
  Path dir;

  @Test
  void aWriterThatFindsTheLockBusyAsABrickDiesWaitsForThatBrickOnce(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    List<BrickClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path b = dir.resolve("b" + i);
      if (i < 2) {
        vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), i == 1,
          TIMEOUT_MS));
    }
    AtomicInteger locksToDeadBrick = new AtomicInteger();
    vertx.eventBus().<BrickFrame>consumer(Addresses.brick("vol", 2), m -> {
      if (BrickCodec.decodeRequest(m.body()) instanceof Requests.Lock) {
        locksToDeadBrick.incrementAndGet();
      }
    });
    ReplicaSet rs = new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new Volume("v", "vol", VolumeStatus.Started,
        3, 0, "tcp", clients.stream().map(c -> c.brick()).toList(), Map.of(VolumeOptions.QUORUM_TYPE, "none")));
    String gfid = UUID.randomUUID().toString();
    for (int i = 0; i < 2; i++) {
      clients.get(i).call(new Requests.Create("/f", 0644, -1, -1, gfid, false, 0, null, 0, Buffer.buffer()))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    // Another writer holds the lock on brick 1 for a moment (its lease ends after 800 ms).
    clients.get(1).call(new Requests.Lock("/f", "other", 800, 0)).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    MortarFs fs = new MortarFs(rs, vertx, 1_000, new SimpleMeterRegistry());
    FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64));
    fi.flags.set(O_WRONLY);
    assertEquals(0, fs.open("/f", fi));
    byte[] data = "data".getBytes(StandardCharsets.UTF_8);
    Pointer buf = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), data.length);
    buf.put(0, data, 0, data.length);
    assertEquals(data.length, fs.write("/f", buf, data.length, 0, fi));
    assertEquals(0, fs.flush("/f", fi));
    assertEquals(0, fs.release("/f", fi));

    assertFalse(clients.get(2).isUp(), "the brick that did not answer is marked down");
    assertEquals(1, locksToDeadBrick.get(), "the dead brick is asked for the lock once: a second ask would stall "
        + "the writer another ping timeout");
    for (int i = 0; i < 2; i++) {
      assertEquals("data", Files.readString(dir.resolve("b" + i + "/f")), "brick " + i + " has the write");
    }
  }
}
