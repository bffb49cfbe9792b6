package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.common.brick.Errno;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FileStat;

/** Lookups that a directory's cached listing answers say what a brick would have said. */
@ExtendWith(VertxExtension.class)
class ListedDirectoryLookupTest {
  @TempDir
  Path dir;

  @Test
  void aNameLongerThan255BytesIsTooLongEvenInADirectoryJustListed(Vertx vertx) throws Exception {
    MortarFs fs = new MortarFs(TestVolume.start(vertx, dir), vertx, 1_000, new SimpleMeterRegistry());
    assertEquals(0, fs.mkdir("/d", 0755));
    assertEquals(0, fs.readdir("/d", null, (buf, name, stat, off) -> 0, 0, TestVolume.handle(0)));
    FileStat st = FileStat.of(Memory.allocateDirect(Runtime.getSystemRuntime(), 512));
    // As a symbolic link with a 300-byte target leads there: ls says "File name too long", not "No such file".
    assertEquals(-Errno.ENAMETOOLONG.code, fs.getattr("/d/" + "x".repeat(256), st));
    assertEquals(-Errno.ENOENT.code, fs.getattr("/d/" + "x".repeat(255), st));
  }
}
