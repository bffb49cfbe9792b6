package dev.mortar.brick;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;

/** The brick times tests on a brick in an S3 bucket (S3Proxy, a real S3 server, started for the run). */
class S3BrickTimesTest extends BrickTimesTest {
  private S3ProxyServer server;

  @Override
  String location() {
    return "s3://mortar-test/times";
  }

  @Override
  S3Config s3() {
    if (server == null) {
      server = S3ProxyServer.start(dir.resolve("s3proxy"));
    }
    return server.config();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
