package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BirthDirsTest {
  @TempDir
  Path dir;

  @Test
  void fastOpensKeepTheDirectoryAndASlowRunMovesToTheNextOfTheRing() throws Exception {
    BirthDirs b = new BirthDirs(dir.resolve("birth"), POSIXFactory.getNativePOSIX());
    assertEquals(dir.resolve("birth/0"), b.current());
    for (int i = 0; i < 1_000; i++) {
      b.opened(20_000);
    }
    b.opened(2_000_000); // one slow open among fast ones is not a group full of freed inodes
    assertEquals(dir.resolve("birth/0"), b.current());
    for (int i = 0; i < 20 && b.current().endsWith("0"); i++) {
      b.opened(500_000);
    }
    assertEquals(dir.resolve("birth/1"), b.current(), "a run of slow opens moves on");
    for (int slot = 2; slot <= BirthDirs.RING; slot++) {
      for (int i = 0; i < 20 && !b.current().endsWith(Integer.toString(slot % BirthDirs.RING)); i++) {
        b.opened(500_000);
      }
    }
    assertEquals(dir.resolve("birth/0"), b.current(), "the ring comes back to its first directory");
  }

  @Test
  void theRingsParentIsATopDirectoryForExt4sAllocator() throws Exception {
    new BirthDirs(dir.resolve("birth"), POSIXFactory.getNativePOSIX());
    Process p = new ProcessBuilder("lsattr", "-d", dir.resolve("birth").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.split(" ")[0].contains("T"), "the T attribute (chattr +T): " + out);
  }
}
