package dev.mortar.e2e;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The FUSE end-to-end tests on volumes whose bricks are all in an object store (S3Proxy, a real S3 server started
 * for the run): each node serves its bricks from the bucket, with its own MORTAR_S3_* settings.
 */
class S3FuseMountTest extends FuseMountTest {
  private S3Bricks s3;

  @Override
  Map<String, String> nodeEnvironment() {
    s3 = new S3Bricks(getClass());
    return s3.nodeEnvironment();
  }

  @Override
  String brickSpec(int i, String vol) {
    return S3Bricks.brick(host(i), vol + "-node" + i);
  }

  @Override
  boolean bricksOnLocalDisk() {
    return false;
  }

  /**
   * A probe reads each brick's copy from S3Proxy over HTTP, one brick after the other: on a busy machine that took a
   * one-second wait to 1.08 s. The one-second bound itself is held on local bricks (FuseMountTest).
   */
  @Override
  Duration brickReadAllowance() {
    return Duration.ofMillis(500);
  }

  @Override
  BrickCopy copyOf(String spec) {
    return s3.copyOf(spec);
  }

  @AfterAll
  void stopServer() {
    if (s3 != null) {
      s3.close();
    }
  }
}
