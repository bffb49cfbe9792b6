package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * A directory listed while a file in it has writes behind (acknowledged, not on the bricks yet): the bricks list the
 * file as it was, and stat(2) after the listing must still show those writes. The kernel takes a file's size from
 * stat, so a stale size also cut reads short (a program read an empty file it had just written).
 */
@ExtendWith(VertxExtension.class)
class ListingWhileWritingTest {
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;

  @TempDir
  Path dir;

  @Test
  void statAfterAListingShowsTheWritesStillBehind(Vertx vertx) throws Exception {
    MortarFs fs = new MortarFs(TestVolume.start(vertx, dir), vertx, 1_000, new SimpleMeterRegistry());
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT);
    assertEquals(0, fs.create("/f", 0644, fi));
    write(fs, fi, "12345", 0);
    assertEquals(0, fs.flush("/f", fi), "made on the bricks with its first bytes; its write session goes on");
    write(fs, fi, "67890", 5); // behind: gathered, not sent yet

    assertEquals(0, fs.readdir("/", null, (buf, name, stat, off) -> 0, 0, TestVolume.handle(0)));
    FileStat st = FileStat.of(Memory.allocateDirect(Runtime.getSystemRuntime(), 512));
    assertEquals(0, fs.getattr("/f", st));
    assertEquals(10, st.st_size.longValue(), "stat(2) right after a listing");
    assertEquals(0, fs.release("/f", fi));
  }

  private static void write(MortarFs fs, FuseFileInfo fi, String text, long offset) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    assertEquals(b.length, fs.write("/f", TestVolume.kernelBuffer(b), b.length, offset, fi));
  }
}
