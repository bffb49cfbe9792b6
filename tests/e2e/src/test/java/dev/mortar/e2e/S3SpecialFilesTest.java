package dev.mortar.e2e;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The special-file tests on a volume whose bricks are both in an object store (S3Proxy, started for the run). */
class S3SpecialFilesTest extends SpecialFilesTest {
  private S3Bricks s3;

  @Override
  Map<String, String> nodeEnvironment() {
    s3 = new S3Bricks(getClass());
    return s3.nodeEnvironment();
  }

  @Override
  String brickSpec(int i) {
    return S3Bricks.brick(host(i), "special-node" + i);
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
