package dev.mortar.healer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Heal between two real bricks after brick 1 missed changes: data, a new file, a deleted file. */
@ExtendWith(VertxExtension.class)
class FileHealerTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private Volume volume;

  @BeforeEach
  void bricks(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    volume = new Volume("v", "vol", VolumeStatus.Started, 2, 0, "tcp", List.of(
        new Brick("n0", dir.resolve("b0").toString(), "u0", false),
        new Brick("n1", dir.resolve("b1").toString(), "u1", false)), Map.of());
  }

  private BrickFrame call(int brick, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data)
      throws Exception {
    return BrickRequests.send(vertx, Addresses.brick("vol", brick), op, path, fields, data, 5000)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void blame(String path) throws Exception {
    call(0, BrickOp.META_UPDATE, path, h -> h.put(BrickFields.PENDING, new JsonObject().put("1", 1)), Buffer.buffer());
  }

  private FileMeta meta(int brick, String path) throws Exception {
    return FileMeta.fromJson(call(brick, BrickOp.META_GET, path, h -> { }, Buffer.buffer()).header()
        .getJsonObject(BrickFields.META));
  }

  @Test
  void whatBrick1MissedIsCopiedAndTheBlameCleared() throws Exception {
    // Before the outage: the same file on both bricks.
    String gfid = UUID.randomUUID().toString();
    for (int b = 0; b < 2; b++) {
      call(b, BrickOp.CREATE, "/dates.txt", h -> h.put(BrickFields.GFID, gfid).put(BrickFields.MODE, 0640),
          Buffer.buffer());
      call(b, BrickOp.WRITE, "/dates.txt", h -> h.put(BrickFields.OFFSET, 0L), Buffer.buffer("line 1\n"));
      call(b, BrickOp.CREATE, "/doomed", h -> h.put(BrickFields.GFID, UUID.randomUUID().toString()), Buffer.buffer());
    }
    // During the outage of brick 1: appends (more than one heal window), a new file, a deleted file.
    byte[] big = new byte[FileHealer.WINDOW * 2 + 100];
    java.util.Arrays.fill(big, (byte) 'x');
    // The session's dirty mark reached brick 1 before the cut, its clear did not.
    call(1, BrickOp.META_UPDATE, "/dates.txt", h -> h.put(BrickFields.DIRTY, 1), Buffer.buffer());
    call(0, BrickOp.WRITE, "/dates.txt", h -> h.put(BrickFields.OFFSET, 7L), Buffer.buffer(big));
    blame("/dates.txt");
    call(0, BrickOp.CREATE, "/new.txt", h -> h.put(BrickFields.GFID, UUID.randomUUID().toString()), Buffer.buffer());
    call(0, BrickOp.UNLINK, "/doomed", h -> { }, Buffer.buffer());
    blame("/");

    FileHealer healer = new FileHealer(vertx, volume, 5000, "test-healer");
    List<FileHealer.Outcome> outcomes = vertx.executeBlocking(() -> List.of(healer.heal("/"),
        healer.heal("/dates.txt"), healer.heal("/dates.txt"))).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    assertEquals(List.of(FileHealer.Outcome.HEALED, FileHealer.Outcome.HEALED, FileHealer.Outcome.NOTHING_TO_DO),
        outcomes);

    Path b0 = dir.resolve("b0");
    Path b1 = dir.resolve("b1");
    assertEquals(Files.mismatch(b0.resolve("dates.txt"), b1.resolve("dates.txt")), -1L, "data healed");
    assertEquals(Files.getAttribute(b0.resolve("dates.txt"), "unix:mode"),
        Files.getAttribute(b1.resolve("dates.txt"), "unix:mode"), "mode healed");
    assertTrue(Files.exists(b1.resolve("new.txt")), "a file created during the outage is created");
    assertEquals(meta(0, "/new.txt").gfid(), meta(1, "/new.txt").gfid(), "with the same file ID");
    assertFalse(Files.exists(b1.resolve("doomed")), "a file deleted during the outage does not come back");
    assertTrue(meta(0, "/dates.txt").clean() && meta(0, "/").clean(), "the blame is cleared");
    assertTrue(meta(1, "/dates.txt").clean(), "the healed copy's stale dirty mark is cleared");
    for (int b = 0; b < 2; b++) {
      assertTrue(call(b, BrickOp.INDEX_LIST, "/", h -> { }, Buffer.buffer()).header()
          .getJsonArray(BrickFields.ENTRIES).isEmpty(), "the heal index of brick " + b + " is empty");
    }
  }
}
