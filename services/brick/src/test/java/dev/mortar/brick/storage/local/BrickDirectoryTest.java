package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.ErrorCode;
import dev.mortar.common.api.MortarException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrickDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void missingDirectoryUnderAWritableParentIsFineAndPrepareMarksIt() throws IOException {
    Path brick = dir.resolve("a/b/brick");
    assertDoesNotThrow(() -> BrickDirectory.check(brick, "vol-1", false, "n1:" + brick));
    BrickDirectory.prepare(brick, "vol-1");
    assertTrue(Files.isDirectory(brick.resolve(BrickDirectory.META_DIR)));
    assertEquals("vol-1", BrickDirectory.owner(brick));
    assertDoesNotThrow(() -> BrickDirectory.check(brick, "vol-1", false, "n1:" + brick), "its own volume");
  }

  @Test
  void brickOfAnotherVolumeNeedsForce() throws IOException {
    Path brick = dir.resolve("brick");
    BrickDirectory.prepare(brick, "old-volume");
    MortarException e = assertThrows(MortarException.class,
        () -> BrickDirectory.check(brick, "new-volume", false, "n1:" + brick));
    assertEquals(ErrorCode.CONFLICT, e.code());
    assertTrue(e.getMessage().contains("force"));
    assertDoesNotThrow(() -> BrickDirectory.check(brick, "new-volume", true, "n1:" + brick));
  }

  @Test
  void aFileIsNotABrick() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertTrue(assertThrows(MortarException.class, () -> BrickDirectory.check(file, "v", false, "n1:" + file))
        .getMessage().contains("not a directory"));
    Path under = file.resolve("sub");
    assertThrows(MortarException.class, () -> BrickDirectory.check(under, "v", false, "n1:" + under));
  }
}
