package dev.mortar.e2e;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** The extended attribute and ACL tests on a volume whose bricks are both in an object store (S3Proxy). */
class S3XattrAclTest extends XattrAclTest {
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

  @AfterAll
  void stopServer() {
    if (s3 != null) {
      s3.close();
    }
  }
}
