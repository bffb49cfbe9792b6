package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.common.brick.Errno;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * `ls -l` asks for the ACL and the security label of every file it lists: those come from the mount's cache for the
 * attribute cache time, not from a brick each time, and a change made behind this mount's back shows after it.
 */
@ExtendWith(VertxExtension.class)
class CachedXattrsTest {
  private static final long CACHE_MS = 300;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;

  @TempDir
  Path dir;

  @Test
  void aclAndSecurityAttributesAreAskedOfABrickOncePerCacheTime(Vertx vertx) throws Exception {
    MortarFs fs = new MortarFs(TestVolume.start(vertx, dir), vertx, CACHE_MS, new SimpleMeterRegistry());
    FuseFileInfo fi = TestVolume.handle(O_WRONLY | O_CREAT);
    assertEquals(0, fs.create("/f", 0644, fi));
    assertEquals(1, fs.write("/f", TestVolume.kernelBuffer(new byte[] {'x'}), 1, 0, fi));
    assertEquals(0, fs.flush("/f", fi), "made on the bricks with its first byte");
    assertEquals(0, fs.release("/f", fi));
    for (String name : new String[] {"security.mortartest", "system.posix_acl_access"}) {
      assertEquals(-Errno.ENODATA.code, fs.getxattr("/f", name, null, 0), name);
    }

    // Another mount labels the file: here, on both bricks' copies directly.
    for (int b = 0; b < 2; b++) {
      Process p = new ProcessBuilder("setfattr", "-n", "security.mortartest", "-v", "label",
          dir.resolve("b" + b + "/f").toString()).inheritIO().start();
      assertEquals(0, p.waitFor(), "setfattr (apt-get install -y attr)");
    }
    assertEquals(-Errno.ENODATA.code, fs.getxattr("/f", "security.mortartest", null, 0),
        "within the cache time: the cached answer, no brick request");
    TimeUnit.MILLISECONDS.sleep(CACHE_MS + 200);
    assertEquals("label".length(), fs.getxattr("/f", "security.mortartest", null, 0), "after it: the brick's");
  }
}
