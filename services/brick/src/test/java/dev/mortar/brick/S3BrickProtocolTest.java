package dev.mortar.brick;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;

/** The brick protocol tests on a brick in an S3 bucket (S3Proxy, a real S3 server, started for the run). */
class S3BrickProtocolTest extends BrickProtocolTest {
  private S3ProxyServer server;

  @Override
  String location() {
    return "s3://mortar-test/protocol";
  }

  @Override
  S3Config s3() {
    if (server == null) {
      server = S3ProxyServer.start(dir.resolve("s3proxy"));
    }
    return server.config();
  }

  @Override
  boolean onLocalDisk() {
    return false;
  }

  /**
   * Not a test here: a stuck object store is the store-down case of
   * {@link dev.mortar.brick.storage.s3.S3StoreDownTest}.
   */
  @Override
  void aStuckDiskStallsOnlyItsOwnBrick() {
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
