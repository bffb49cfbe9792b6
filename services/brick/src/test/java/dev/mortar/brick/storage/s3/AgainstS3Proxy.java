package dev.mortar.brick.storage.s3;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Tests of one part of an S3 brick: one S3Proxy for the class, a fresh prefix per test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgainstS3Proxy {
  @TempDir
  static Path dir;
  private S3ProxyServer server;

  @BeforeAll
  void startServer() {
    server = S3ProxyServer.start(dir.resolve("s3proxy"));
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  PartsOnS3 parts(String prefix) {
    return new PartsOnS3(server, prefix);
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
