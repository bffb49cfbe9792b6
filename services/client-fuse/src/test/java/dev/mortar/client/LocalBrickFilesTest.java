package dev.mortar.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
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
}
