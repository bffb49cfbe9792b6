package dev.mortar.e2e;

import dev.mortar.brick.storage.s3.S3ProxyServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** {@link PosixAttributesTest} on a volume whose bricks are in an object store (S3Proxy, started for the run). */
class S3PosixAttributesTest extends PosixAttributesTest {
  private S3ProxyServer server;

  @Override
  Map<String, String> nodeEnvironment() {
    server = S3ProxyServer.start(E2e.workDir(getClass().getSimpleName() + "-s3proxy"));
    return S3Nodes.environment(server.config());
  }

  @Override
  String brickSpec(int i, String vol) {
    return nodeHost(i) + ":s3://mortar-e2e/" + vol + "-node" + i;
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
