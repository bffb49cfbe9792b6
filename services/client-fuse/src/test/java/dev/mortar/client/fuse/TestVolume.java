package dev.mortar.client.fuse;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** A replica-2 volume of real brick services in this JVM, under {@code dir/b0} and {@code dir/b1}. */
final class TestVolume {
  private static final long TIMEOUT_MS = 500;

  private TestVolume() {}

  static ReplicaSet start(Vertx vertx, Path dir) throws Exception {
    BrickFrameCodec.register(vertx);
    List<BrickClient> clients = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      clients.add(new BrickClient(vertx, "vol", i, new Brick("n" + i, b.toString(), "u" + i, false), false,
          TIMEOUT_MS));
    }
    return new ReplicaSet(vertx, clients, TIMEOUT_MS + 1_000, new Volume("v", "vol", VolumeStatus.Started, 2, 0,
        "tcp", clients.stream().map(BrickClient::brick).toList(), Map.of(VolumeOptions.QUORUM_TYPE, "none")));
  }

  static FuseFileInfo handle(int flags) {
    FuseFileInfo fi = FuseFileInfo.of(Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64));
    fi.flags.set(flags);
    return fi;
  }

  static Pointer kernelBuffer(byte[] bytes) {
    Pointer p = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), bytes.length);
    p.put(0, bytes, 0, bytes.length);
    return p;
  }
}
