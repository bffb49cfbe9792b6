package dev.mortar.client.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalReaderTest {
  @TempDir
  Path brick;
  private String rootId;
  private LocalBrickFiles files;
  private final LocalReader reader = new LocalReader();
  private final Pointer buf = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 64);

  @BeforeEach
  void brick() throws Exception {
    Files.writeString(brick.resolve("f"), "first copy");
    Map<String, Object> a = Files.readAttributes(brick, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    rootId = a.get("dev") + ":" + a.get("ino");
    files = new LocalBrickFiles(brick.toString(), "h:" + brick, new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    reader.close();
  }

  private String read(String path) {
    long n = reader.read(files, rootId, path, buf, 64, 0);
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[(int) n];
    buf.get(0, b, 0, b.length);
    return new String(b, StandardCharsets.UTF_8);
  }

  private void replace(String name, String text) throws Exception {
    Files.writeString(brick.resolve(name + ".new"), text);
    Files.move(brick.resolve(name + ".new"), brick.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aCopyReplacedUnderTheOpenFileIsReadWithinASecond() throws Exception {
    assertEquals("first copy", read("/f"));
    Files.writeString(brick.resolve("f"), "written in place");
    assertEquals("written in place", read("/f"), "the same file: its changes show at once");
    replace("f", "healed copy");
    Thread.sleep(1_100);
    assertEquals("healed copy", read("/f"), "checked again after a second: the file now at the path is read");
  }

  @Test
  void anotherNameIsOpenedAgainAndWhatCannotBeReadLocallyIsLeftToTheBrick() throws Exception {
    assertEquals("first copy", read("/f"));
    Files.writeString(brick.resolve("g"), "another file");
    assertEquals("another file", read("/g"), "the kernel renamed the file unlinked while open: read there");
    Files.createDirectory(brick.resolve("d"));
    assertEquals(null, read("/d"), "a directory: ask the brick");
    assertEquals(null, read("/missing"));
    assertEquals(-1, reader.read(files, "1:2", "/f", buf, 64, 0), "not proven to be the brick");
  }
}
