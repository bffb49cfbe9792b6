package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * Attributes set through a file's descriptor after writes that are still behind (acknowledged, not on the bricks):
 * tar and cp -a write a file, then set its times with futimens(2) before they close it.
 */
@ExtendWith(VertxExtension.class)
class AttributesAfterWritesTest {
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final long MTIME_NANOS = 1_500_000_000_123_456_789L;

  @TempDir
  Path dir;

  @Test
  void timesSetAfterWritesStayOnceTheWritesLand(Vertx vertx) throws Exception {
    MortarFs fs = new MortarFs(TestVolume.start(vertx, dir), vertx, 1_000, new SimpleMeterRegistry());
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT | O_EXCL);
    assertEquals(0, fs.create("/f", 0644, fi));
    byte[] block = new byte[10_240]; // tar writes 10 KiB records: the first waits, the others go behind
    for (int i = 0; i < 10; i++) {
      assertEquals(block.length, fs.write("/f", TestVolume.kernelBuffer(block), block.length, (long) i * block.length,
          fi));
    }
    assertEquals(0, fs.utimens("/f", new Timespec[] {time(MTIME_NANOS), time(MTIME_NANOS)}));
    assertEquals(0, fs.flush("/f", fi));
    assertEquals(0, fs.release("/f", fi));
    for (int i = 0; i < 2; i++) {
      Path copy = dir.resolve("b" + i + "/f");
      assertEquals(10 * block.length, Files.size(copy), "size of brick " + i + "'s copy");
      assertEquals(FileTime.from(MTIME_NANOS, TimeUnit.NANOSECONDS),
          Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS), "mtime of brick " + i + "'s copy");
    }
  }

  private static Timespec time(long nanos) {
    Timespec t = Timespec.of(Memory.allocateDirect(Runtime.getSystemRuntime(), 16));
    t.tv_sec.set(nanos / 1_000_000_000L);
    t.tv_nsec.set(nanos % 1_000_000_000L);
    return t;
  }
}
