package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewFilesTest {
  @TempDir
  Path births;
  private NewFiles files;

  @BeforeEach
  void births() throws Exception {
    files = new NewFiles(POSIXFactory.getNativePOSIX(), new BirthDirs(births, POSIXFactory.getNativePOSIX()));
  }

  @Test
  void aNewFileIsWholeWithItsFirstBytesWhenItsNameAppears(@TempDir Path dir) throws Exception {
    assertTrue(files.available(), "O_TMPFILE and linkat on this x86-64 Linux machine");
    Path f = dir.resolve("f");
    byte[] meta = {1, 2, 3};
    AtomicBoolean nameYet = new AtomicBoolean(true);
    Attr a = files.make(f, "/f", 04640, 123, 456, "user.test.meta", meta, "id-1",
        Buffer.buffer("first bytes"), () -> nameYet.set(Files.exists(f, LinkOption.NOFOLLOW_LINKS)));
    assertEquals(false, nameYet.get(), "the hook runs before the name appears");
    Map<String, Object> st = Files.readAttributes(f, "unix:mode,uid,gid,ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
    assertEquals(0100000 | 04640, (int) st.get("mode"), "mode as asked, set-id bit kept, no umask");
    assertEquals(123, (int) st.get("uid"));
    assertEquals(456, (int) st.get("gid"));
    assertEquals((long) st.get("ino"), a.ino());
    assertEquals(11, a.size(), "its first bytes are in it when its name appears");
    assertEquals("first bytes", Files.readString(f, StandardCharsets.UTF_8));
    assertEquals("id-1", a.gfid());
    assertEquals(0100000 | 04640, a.mode());
    UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    ByteBuffer b = ByteBuffer.allocate(16);
    v.read("test.meta", b);
    assertArrayEquals(meta, java.util.Arrays.copyOf(b.array(), b.position()));
  }

  @Test
  void anExistingNameIsNeverReplaced(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("taken");
    Files.writeString(f, "kept");
    BrickException e = assertThrows(BrickException.class, () -> files.make(f, "/taken", 0644, -1, -1,
        "user.test.meta", new byte[] {1}, "id-2", Buffer.buffer("lost"), () -> { }));
    assertEquals(Errno.EEXIST, e.errno(), e.getMessage());
    assertEquals("kept", Files.readString(f, StandardCharsets.UTF_8));
    try (var left = Files.list(dir)) {
      assertEquals(1, left.count(), "nothing else is left in the directory");
    }
  }

  @Test
  void aFileInAnotherFilesystemMountedInsideTheBrickIsMadeThere(@TempDir Path dir) throws Exception {
    Path inner = Files.createDirectories(dir.resolve("inner"));
    mount(inner);
    try {
      Path f = inner.resolve("f");
      AtomicInteger hooks = new AtomicInteger();
      Attr a = files.make(f, "/inner/f", 0600, -1, -1, "user.test.meta", new byte[] {7}, "id-3",
          Buffer.buffer("elsewhere"), hooks::incrementAndGet);
      assertEquals("elsewhere", Files.readString(f, StandardCharsets.UTF_8), "linkat's EXDEV: made in its own directory");
      assertEquals((long) Files.getAttribute(f, "unix:ino", LinkOption.NOFOLLOW_LINKS), a.ino());
      assertTrue(hooks.get() >= 1);
    } finally {
      new ProcessBuilder("umount", inner.toString()).inheritIO().start().waitFor();
    }
  }

  private static void mount(Path at) throws Exception {
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), "mount failed: " + out
        + " (this test needs root to mount a small tmpfs; run the tests as root, as .ci/run does)");
  }
}
