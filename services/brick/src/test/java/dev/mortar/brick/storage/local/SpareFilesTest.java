package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heal-index entries are reused, not created and deleted per write session (see {@link SpareFiles}). */
class SpareFilesTest {
  @TempDir
  Path dir;

  private static long ino(Path p) throws IOException {
    return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aRetiredFileIsPlacedAgainWithExactlyTheNewContent() throws IOException {
    SpareFiles spares = new SpareFiles(dir.resolve("spare"));
    Path first = dir.resolve("first");
    spares.place(first, "/a-much-longer-path/than-the-next".getBytes(StandardCharsets.UTF_8));
    long ino = ino(first);
    spares.retire(first);
    assertFalse(Files.exists(first));
    assertEquals(1, spares.kept());

    Path second = dir.resolve("second");
    spares.place(second, "/b".getBytes(StandardCharsets.UTF_8));
    assertEquals(ino, ino(second), "the same file, renamed: no inode allocated");
    assertEquals("/b", Files.readString(second), "shortened to the new content");
    assertEquals(0, spares.kept());

    spares.retire(second);
    spares.retire(second); // gone already: nothing happens
    assertEquals(1, spares.kept());
    assertEquals(1, new SpareFiles(dir.resolve("spare")).kept(), "a restart takes up the spares left");
  }

  @Test
  void beyondTheLimitARetiredFileIsDeleted() throws IOException {
    SpareFiles spares = new SpareFiles(dir.resolve("spare"));
    for (int i = 0; i <= SpareFiles.MAX; i++) {
      Path f = dir.resolve("f" + i);
      Files.writeString(f, "x");
      spares.retire(f);
      assertFalse(Files.exists(f));
    }
    assertEquals(SpareFiles.MAX, spares.kept());
    try (var s = Files.list(dir.resolve("spare"))) {
      assertEquals(SpareFiles.MAX, s.count());
    }
  }

  @Test
  void aBrickReusesTheIndexEntryOfAWriteSessionThatEnded() throws IOException {
    Path brick = dir.resolve("brick");
    BrickDirectory.prepare(brick, "vol");
    LocalDiskStorage storage = LocalDiskStorage.open(brick);
    Path index = brick.toRealPath().resolve(BrickDirectory.META_DIR).resolve("index");

    String a = storage.create("/a", 0644, -1, -1, true, null, 1).gfid();
    long ino = ino(index.resolve(a));
    storage.updateMeta("/a", -1, 0, 0, Map.of()); // the session ends: clean again
    assertFalse(Files.exists(index.resolve(a)), "a clean file has no index entry");

    String b = storage.create("/b", 0644, -1, -1, true, null, 1).gfid();
    assertEquals(ino, ino(index.resolve(b)), "the ended session's entry file is reused");
    assertEquals("/b", Files.readString(index.resolve(b)));
    assertTrue(storage.healIndex().stream().anyMatch(e -> e.gfid().equals(b) && e.path().equals("/b")));
    assertFalse(storage.healIndex().stream().anyMatch(e -> e.gfid().equals(a)));
  }
}
