package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * New files whose create is held back, through the FUSE callbacks against real brick services. Whether a create is
 * still held back at a given moment races its timer, so these tests look at where and when it ends up made.
 */
@ExtendWith(VertxExtension.class)
class UnsentCreatesTest {
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;

  @TempDir
  Path dir;

  private boolean onEveryBrick(String name) {
    return Files.exists(dir.resolve("b0/" + name)) && Files.exists(dir.resolve("b1/" + name));
  }

  private MortarFs mount(Vertx vertx) throws Exception {
    return new MortarFs(TestVolume.start(vertx, dir), vertx, 1_000, new SimpleMeterRegistry());
  }

  @Test
  void aNewFileIsMadeWithItsFirstBytesAtClose(Vertx vertx) throws Exception {
    MortarFs fs = mount(vertx);
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT);
    assertEquals(0, fs.create("/f", 0644, fi));
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    assertEquals(data.length, fs.write("/f", TestVolume.kernelBuffer(data), data.length, 0, fi));
    assertEquals(0, fs.flush("/f", fi));
    for (int i = 0; i < 2; i++) {
      assertEquals("hello", Files.readString(dir.resolve("b" + i + "/f")), "brick " + i + " made it with its bytes");
    }
    assertEquals(0, fs.release("/f", fi));
  }

  @Test
  void aNewFileClosedOnceWithNothingWrittenIsMadeByItsTimer(Vertx vertx) throws Exception {
    MortarFs fs = mount(vertx);
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT);
    assertEquals(0, fs.create("/redirect", 0644, fi));
    assertEquals(0, fs.flush("/redirect", fi));
    long until = System.currentTimeMillis() + 5_000;
    while (!onEveryBrick("redirect") && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertTrue(onEveryBrick("redirect"), "made by its timer");
    assertEquals(0, fs.release("/redirect", fi));
  }

  @Test
  void anotherOperationOnTheNameSendsTheCreateFirst(Vertx vertx) throws Exception {
    MortarFs fs = mount(vertx);
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT);
    assertEquals(0, fs.mkdir("/dir", 0755));
    assertEquals(0, fs.create("/dir/f", 0644, fi));
    assertEquals(0, fs.rename("/dir", "/moved"), "a rename of its directory");
    assertTrue(onEveryBrick("moved/f"), "made before the rename");
    assertEquals(0, fs.release("/dir/f", fi));
  }
}
