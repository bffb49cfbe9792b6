package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write rule shared by the brick and a mount's short-circuit writes, on a real file descriptor and through Java's
 * file API. The roll-back on a full disk is shown on a 256 KiB tmpfs: needs root to mount (as FullDiskTest).
 */
class FileWritesTest {
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

  @TempDir
  Path dir;

  @Test
  void writesAllOfItAtTheOffsetAndStartsWritebackForALargeWrite() throws IOException {
    assertTrue(FileWrites.available(), "libc is loaded on the machines this project runs on");
    Path f = dir.resolve("f");
    Files.write(f, "0123456789".getBytes());
    withFd(f, fd -> FileWrites.write(fd, 4, Buffer.buffer("ab"), "/f"));
    assertEquals("0123ab6789", Files.readString(f));
    byte[] big = new byte[BrickOp.WRITEBACK_NOW_BYTES + 1];
    Arrays.fill(big, (byte) 7);
    withFd(f, fd -> FileWrites.write(fd, 20, Buffer.buffer(big), "/f")); // past the end: a hole between
    byte[] now = Files.readAllBytes(f);
    assertEquals(20 + big.length, now.length);
    assertArrayEquals(big, Arrays.copyOfRange(now, 20, now.length));
    assertEquals(0, now[15], "the hole reads as zeros");
  }

  @Test
  void aNegativeOffsetIsRefused() throws IOException {
    Path f = Files.createFile(dir.resolve("f"));
    BrickException e = assertThrows(BrickException.class,
        () -> withFd(f, fd -> FileWrites.write(fd, -1, Buffer.buffer("x"), "/f")));
    assertEquals(Errno.EINVAL, e.errno());
  }

  @Test
  void aWriteThatDoesNotFitTakesBackWhatDidAndGrowsNothing() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
    try {
      Path f = mnt.resolve("f");
      byte[] before = new byte[64 << 10];
      Arrays.fill(before, (byte) 1);
      Files.write(f, before);
      Buffer tooBig = Buffer.buffer(new byte[1 << 20]);

      BrickException native_ = assertThrows(BrickException.class,
          () -> withFd(f, fd -> FileWrites.write(fd, 32 << 10, tooBig, "/f")));
      assertEquals(Errno.ENOSPC, native_.errno(), native_.getMessage());
      assertEquals(before.length, Files.size(f), "the part that fitted is taken back, down to the size before");
      assertEquals(1, Files.readAllBytes(f)[0], "what was before the write's offset is kept");

      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        IOException java = assertThrows(IOException.class, () -> FileWrites.write(ch, before.length, tooBig, "/f"));
        assertEquals(Errno.ENOSPC, IoErrors.map(java, "/f").errno(), java.toString());
      }
      assertEquals(before.length, Files.size(f), "the same rule through Java's file API");

      withFd(f, fd -> FileWrites.write(fd, before.length, Buffer.buffer("fits"), "/f"));
      assertEquals(before.length + 4, Files.size(f), "a write that fits still goes through");
    } finally {
      run("umount", mnt.toString());
    }
  }

  private interface FdAction {
    void run(int fd) throws IOException;
  }

  private static void withFd(Path f, FdAction action) throws IOException {
    int fd = POSIX.open(f.toString(), LibC.O_WRONLY, 0);
    assertTrue(fd >= 0, "open " + f + ": errno " + POSIX.errno());
    try {
      action.run(fd);
    } finally {
      POSIX.close(fd);
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
}
