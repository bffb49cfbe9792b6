package dev.mortar.e2e;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** {@link PosixAttributesTest} on a volume whose bricks are in an object store (S3Proxy, started for the run). */
class S3PosixAttributesTest extends PosixAttributesTest {
  private S3Bricks s3;

  @Override
  Map<String, String> nodeEnvironment() {
    s3 = new S3Bricks(getClass());
    return s3.nodeEnvironment();
  }

  @Override
  String brickSpec(int i, String vol) {
    return S3Bricks.brick(nodeHost(i), vol + "-node" + i);
  }

  @AfterAll
  void stopServer() {
    if (s3 != null) {
      s3.close();
    }
  }
}
