package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brick on a full disk (a 256 KiB tmpfs, 64 inodes): ENOSPC, never a generic failure, and no half-made file or
 * metadata left behind. Needs root to mount; fails (not skips) without it.
 */
class FullDiskTest {
  @TempDir
  Path dir;
  private Path mnt;
  private LocalDiskStorage storage;

  @BeforeEach
  void mount() throws Exception {
    mnt = dir.resolve("full");
    Files.createDirectories(mnt);
    run("mount", "-t", "tmpfs", "-o", "size=256k,nr_inodes=64", "tmpfs", mnt.toString());
    Path brick = mnt.resolve("brick");
    BrickDirectory.prepare(brick, "vol");
    storage = LocalDiskStorage.open(brick);
  }

  @AfterEach
  void unmount() throws Exception {
    if (mnt != null) {
      run("umount", mnt.toString());
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out.trim()
          + " (this test needs root to mount a small tmpfs; run the tests as root, as .ci/run does)");
    }
  }

  @Test
  void aFullDiskGivesEnospcAndLeavesMetadataWhole() {
    storage.create("/big", 0644, -1, -1, true, null);
    FileMeta before = storage.updateMeta("/big", 1, 1, 0, Map.of());
    BrickException e = assertThrows(BrickException.class,
        () -> storage.write("/big", 0, Buffer.buffer(new byte[1 << 20])));
    assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
    assertEquals(0, storage.lookup("/big").size(), "the part that fitted is taken back: a failed write grows nothing");
    assertEquals(before, storage.meta("/big"), "the metadata is the last one written, whole");
    assertTrue(storage.healIndex().stream().anyMatch(x -> x.gfid().equals(before.gfid())),
        "the torn write is still marked for heal");
    storage.unlink("/big");
    assertTrue(storage.lookup("/").isDirectory(), "the brick still serves after the failure");
  }

  @Test
  void runningOutOfInodesGivesEnospcAndNoHalfMadeFiles() throws IOException {
    BrickException files = assertThrows(BrickException.class, () -> {
      for (int i = 0; i < 200; i++) {
        storage.create("/f" + i, 0644, -1, -1, true, null);
      }
    });
    assertEquals(Errno.ENOSPC, files.errno(), files.getMessage());
    BrickException dirs = assertThrows(BrickException.class, () -> {
      for (int i = 0; i < 200; i++) {
        storage.mkdir("/d" + i, 0755, -1, -1, null);
      }
    });
    assertEquals(Errno.ENOSPC, dirs.errno(), dirs.getMessage());
    try (Stream<Path> tmp = Files.list(mnt.resolve("brick/.mortar/tmp"))) {
      assertEquals(0, tmp.count(), "no temporary file left behind");
    }
    try (Stream<Path> made = Files.list(mnt.resolve("brick"))) {
      made.filter(p -> !p.getFileName().toString().equals(".mortar")).forEach(p ->
          assertFalse(storage.readMeta(p) == null, p + " exists without its file ID"));
    }
  }

  @Test
  void aDiskWithNoBlockLeftStillRecordsThatAnotherBrickMissedAChange() throws IOException {
    Path filler = mnt.resolve("filler");
    assertThrows(IOException.class, () -> {
      for (int i = 0; i < 64; i++) {
        Files.write(filler, new byte[64 << 10], java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
    }, "the disk fills up");
    // A new empty file needs an inode, not a block; its heal index entry has no block for its path hint.
    storage.create("/late", 0644, -1, -1, true, null);
    FileMeta blamed = storage.updateMeta("/late", 0, 1, 0, Map.of(1, 1L));
    assertTrue(storage.healIndex().contains(new BrickStorage.IndexEntry(blamed.gfid(), "/late")),
        "the blame is in the heal index, its file found by its ID: " + storage.healIndex());
  }
}
