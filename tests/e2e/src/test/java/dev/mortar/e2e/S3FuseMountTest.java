package dev.mortar.e2e;

import dev.mortar.brick.storage.s3.S3ProxyServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The FUSE end-to-end tests on volumes whose bricks are all in an object store (S3Proxy, a real S3 server started
 * for the run): each node serves its bricks from the bucket, with its own MORTAR_S3_* settings.
 */
class S3FuseMountTest extends FuseMountTest {
  private S3ProxyServer server;

  @Override
  Map<String, String> nodeEnvironment() {
    server = S3ProxyServer.start(E2e.workDir(getClass().getSimpleName() + "-s3proxy"));
    return S3Nodes.environment(server.config());
  }

  @Override
  String brickSpec(int i, String vol) {
    return host(i) + ":s3://mortar-e2e/" + vol + "-node" + i;
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
    return new S3BrickCopy(spec, server.config());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
