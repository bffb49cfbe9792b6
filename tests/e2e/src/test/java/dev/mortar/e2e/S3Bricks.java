package dev.mortar.e2e;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3ProxyServer;
import dev.mortar.common.config.Setting;
import java.util.Map;

/**
 * A real S3 server (S3Proxy) started for one test class, whose nodes serve their bricks from its bucket: what the
 * S3 variants of the end-to-end tests change in the tests they extend.
 */
final class S3Bricks implements AutoCloseable {
  private final S3ProxyServer server;

  S3Bricks(Class<?> test) {
    server = S3ProxyServer.start(E2e.workDir(test.getSimpleName() + "-s3proxy"));
  }

  /** The MORTAR_S3_* settings every node needs to reach the bucket. */
  Map<String, String> nodeEnvironment() {
    S3Config c = server.config();
    return Map.of(Setting.S3_ENDPOINT.env(), c.endpoint(), Setting.S3_ACCESS_KEY.env(), c.accessKey(),
        Setting.S3_SECRET_KEY.env(), c.secretKey());
  }

  /** The brick {@code name} of the node at {@code host}, as given to {@code volume create}. */
  static String brick(String host, String name) {
    return host + ":s3://mortar-e2e/" + name;
  }

  /** A way to read such a brick behind the volume's back. */
  BrickCopy copyOf(String spec) {
    return new S3BrickCopy(spec, server.config());
  }

  @Override
  public void close() {
    server.close();
  }
}
