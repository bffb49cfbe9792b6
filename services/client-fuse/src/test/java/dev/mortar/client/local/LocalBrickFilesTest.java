package dev.mortar.client.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBrickFilesTest {
  @TempDir
  Path dir;
  private Path brick;
  private String rootId;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LocalBrickFiles files;

  @BeforeEach
  void brick() throws Exception {
    brick = Files.createDirectories(dir.resolve("brick"));
    Files.createDirectories(brick.resolve("d"));
    Files.writeString(brick.resolve("d/file"), "0123456789");
    Map<String, Object> a = Files.readAttributes(brick, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    rootId = a.get("dev") + ":" + a.get("ino");
    files = new LocalBrickFiles(brick.toString(), "h:" + brick, registry);
  }

  private String read(String id, String path, long offset, int size) {
    var b = files.read(id, path, offset, size);
    return b == null ? null : b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheBricksFilesWhereTheDirectoryIsTheBrick() {
    assertEquals("0123456789", read(rootId, "/d/file", 0, 2 << 20), "a small file, whole");
    assertEquals("345", read(rootId, "/d/file", 3, 3));
    assertEquals("89", read(rootId, "/d/file", 8, 100), "short at the end");
    assertEquals("", read(rootId, "/d/file", 50, 10), "past the end");
    assertEquals(4.0, registry.get("mortar_client_local_reads_total").counter().count());
    assertEquals(15.0, registry.get("mortar_client_local_read_bytes_total").counter().count());
  }

  @Test
  void anOpenedFileIsReadIntoNativeMemoryAndIsCheckedAgainstItsPath() throws Exception {
    LocalBrickFiles.Opened f = files.open(rootId, "/d/file");
    jnr.ffi.Pointer buf = jnr.ffi.Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64);
    try {
      assertEquals(7, files.read(f, buf, 64, 3), "short at the end of the file");
      byte[] got = new byte[7];
      buf.get(0, got, 0, 7);
      assertEquals("3456789", new String(got, StandardCharsets.UTF_8));
      assertEquals(0, files.read(f, buf, 64, 50), "past the end");
      assertEquals(true, files.stillAt(f));
      Files.writeString(brick.resolve("d/file.new"), "healed copy");
      Files.move(brick.resolve("d/file.new"), brick.resolve("d/file"), StandardCopyOption.REPLACE_EXISTING);
      assertEquals(false, files.stillAt(f), "the copy at the path was replaced");
    } finally {
      files.close(f);
    }
    assertNull(files.open(rootId, "/link-missing"));
    assertNull(files.open("1:2", "/d/file"), "not proven to be the brick");
  }

  @Test
  void asksTheBrickWhenTheDirectoryIsNotProvenToBeIt() throws Exception {
    assertNull(read(null, "/d/file", 0, 10), "the brick reported no root (an object store)");
    assertNull(read("1:2", "/d/file", 0, 10), "another directory at that path (another host's or container's)");
    assertEquals("0123", read(rootId, "/d/file", 0, 4), "checked again when the brick's answer changes");
  }

  @Test
  void asksTheBrickForAnythingButAPlainFileAtExactlyThatPath() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "not the volume's");
    Files.createSymbolicLink(brick.resolve("link-dir"), outside);
    Files.createSymbolicLink(brick.resolve("link-file"), outside.resolve("secret"));
    Files.createDirectories(brick.resolve(".mortar"));
    Files.writeString(brick.resolve(".mortar/volume-id"), "id");
    assertNull(read(rootId, "/link-dir/secret", 0, 100), "a link on the way");
    assertNull(read(rootId, "/link-file", 0, 100), "a link at the end");
    assertNull(read(rootId, "/d", 0, 100), "a directory");
    assertNull(read(rootId, "/missing", 0, 100));
    assertNull(read(rootId, "/.mortar/volume-id", 0, 100), "the brick's own metadata");
    assertNull(read(rootId, "/d/../link-dir/secret", 0, 100));
  }

  private Boolean write(String id, String path, long offset, io.vertx.core.buffer.Buffer data) throws Exception {
    return files.write(id, path, offset, data).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void writesIntoTheBricksFilesWhereTheDirectoryIsTheBrick() throws Exception {
    assertTrue(write(rootId, "/d/file", 3, io.vertx.core.buffer.Buffer.buffer("abc")));
    assertEquals("012abc6789", Files.readString(brick.resolve("d/file")), "in the middle");
    // A view into a larger array, as a gathered write is sent: only its own bytes, from its own start.
    io.vertx.core.buffer.Buffer whole = io.vertx.core.buffer.Buffer.buffer("xxHELLOyy");
    assertTrue(write(rootId, "/d/file", 12, whole.slice(2, 7)));
    assertEquals("012abc6789\0\0HELLO", Files.readString(brick.resolve("d/file")), "past the end: a hole, then it");
    byte[] big = new byte[1 << 20];
    java.util.Arrays.fill(big, (byte) 'b');
    assertTrue(write(rootId, "/d/big", 5L << 30, io.vertx.core.buffer.Buffer.buffer(big)).equals(false),
        "no such file: the brick answers that");
    Files.createFile(brick.resolve("d/big"));
    assertTrue(write(rootId, "/d/big", 5L << 30, io.vertx.core.buffer.Buffer.buffer(big)), "1 MiB past 4 GiB");
    assertEquals((5L << 30) + big.length, Files.size(brick.resolve("d/big")));
    assertEquals(3.0, registry.get("mortar_client_local_writes_total").counter().count());
    assertEquals(3.0 + 5 + big.length, registry.get("mortar_client_local_write_bytes_total").counter().count());
  }

  @Test
  void leavesAWriteToTheBrickUnlessItIsAPlainFileOfTheProvenBrick() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "not the volume's");
    Files.createSymbolicLink(brick.resolve("link-file"), outside.resolve("secret"));
    Files.createSymbolicLink(brick.resolve("link-dir"), outside);
    Files.createDirectories(brick.resolve(".mortar"));
    Files.writeString(brick.resolve(".mortar/volume-id"), "id");
    io.vertx.core.buffer.Buffer data = io.vertx.core.buffer.Buffer.buffer("XX");
    assertFalse(write("1:2", "/d/file", 0, data), "not proven to be the brick");
    assertFalse(write(null, "/d/file", 0, data), "an object store's brick");
    assertFalse(write(rootId, "/link-file", 0, data), "a link at the end");
    assertFalse(write(rootId, "/link-dir/secret", 0, data), "a link on the way");
    assertFalse(write(rootId, "/d/../link-dir/secret", 0, data));
    assertFalse(write(rootId, "/.mortar/volume-id", 0, data), "the brick's own metadata");
    assertFalse(write(rootId, "/d", 0, data), "a directory");
    assertEquals("not the volume's", Files.readString(outside.resolve("secret")));
    assertEquals("id", Files.readString(brick.resolve(".mortar/volume-id")));
    assertEquals("0123456789", Files.readString(brick.resolve("d/file")));
  }

  @Test
  void aFullDiskFailsTheWriteWithEnospc() throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), "mount failed: " + out
        + " (this test needs root to mount a small tmpfs; run the tests as root, as .ci/run does)");
    try {
      Files.createFile(small.resolve("f"));
      Map<String, Object> a = Files.readAttributes(small, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
      files = new LocalBrickFiles(small.toString(), "h:" + small, registry);
      var failed = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> write(a.get("dev") + ":" + a.get("ino"), "/f", 0, io.vertx.core.buffer.Buffer.buffer(new byte[2 << 20])));
      assertEquals(Errno.ENOSPC, ((BrickException) failed.getCause()).errno(), failed.getCause().getMessage());
      assertEquals(0, Files.size(small.resolve("f")), "the part that fitted is taken back: a failed write grows nothing");
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }
}
