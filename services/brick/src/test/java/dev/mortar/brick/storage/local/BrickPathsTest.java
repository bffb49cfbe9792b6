package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrickPathsTest {
  @TempDir
  Path dir;
  private Path root;
  private BrickPaths paths;

  @BeforeEach
  void open() throws IOException {
    root = Files.createDirectories(dir.resolve("brick")).toRealPath();
    paths = new BrickPaths(root, POSIXFactory.getNativePOSIX(), 2);
  }

  @Test
  void aVolumePathIsTheSamePathUnderTheBrick() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    assertEquals(root, paths.resolve("/"));
    assertEquals(root.resolve("a/b/c"), paths.resolve("/a/b/c"));
    assertEquals("/a/b/c", paths.volumePath(paths.resolve("/a/b/c")));
    assertEquals("/", paths.volumePath(root));
  }

  @Test
  void nothingOutsideTheBrickNorItsPrivateDirectoryIsReached() {
    for (String bad : new String[] {"/../x", "/a/./b", "relative", "/.mortar", "/.mortar/index"}) {
      assertThrows(BrickException.class, () -> paths.resolve(bad), bad);
    }
  }

  @Test
  void aSymbolicLinkAmongTheParentsIsNeverFollowedEvenWhereADirectoryWasOnceChecked() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createDirectories(root.resolve("d"));
    paths.resolve("/d/f"); // checked and remembered
    paths.directoriesChanging(); // as a rename does before it moves a directory
    Files.move(root.resolve("d"), root.resolve("d-old"));
    Files.createSymbolicLink(root.resolve("d"), outside);
    BrickException e = assertThrows(BrickException.class, () -> paths.resolve("/d/f"));
    assertEquals(Errno.ELOOP, e.errno());
  }

  @Test
  void theMemoryOfCheckedDirectoriesStartsOverWhenFull() throws IOException {
    for (int i = 0; i < 5; i++) { // more than the 2 remembered
      Files.createDirectories(root.resolve("d" + i));
      assertEquals(root.resolve("d" + i + "/f"), paths.resolve("/d" + i + "/f"));
    }
  }
}
