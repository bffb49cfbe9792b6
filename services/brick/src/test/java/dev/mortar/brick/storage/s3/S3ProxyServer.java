package dev.mortar.brick.storage.s3;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: S3Proxy as a separate process on 127.0.0.1, objects kept in a directory (so a
 * restart keeps them, as a real store would). The jar is copied by the build (maven-dependency-plugin, execution
 * {@code s3proxy}); without it the test fails and says how to get it.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "mortar-test";
  public static final String SECRET_KEY = "mortar-test-secret-key";
  private static final String JAR_PROPERTY = "mortar.s3proxy.jar";

  private final Path jar;
  private final Path dir;
  private final int port;
  private Process process;

  private S3ProxyServer(Path jar, Path dir, int port) {
    this.jar = jar;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server keeping its objects under {@code dir}. */
  public static S3ProxyServer start(Path dir) {
    S3ProxyServer s = new S3ProxyServer(findJar(), dir, freePort());
    s.launch();
    return s;
  }

  /**
   * The S3Proxy jar: {@code -Dmortar.s3proxy.jar}, else where the build copies it ({@code target/s3proxy}) in this
   * module or its sibling {@code services/brick}.
   */
  static Path findJar() {
    String given = System.getProperty(JAR_PROPERTY);
    List<Path> candidates = given != null ? List.of(Path.of(given)) : List.of(Path.of("target/s3proxy/s3proxy.jar"),
        Path.of(System.getProperty("mortar.home", "../.."), "services/brick/target/s3proxy/s3proxy.jar"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p)) {
        return p.toAbsolutePath();
      }
    }
    throw new AssertionError("S3Proxy (the S3 server these tests run against) is not at " + candidates + ". The"
        + " Maven build copies it there (maven-dependency-plugin, execution 's3proxy'): run the tests with mvn, after"
        + " 'mvn -B dependency:get -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies' if your local"
        + " repository lacks it, or pass -D" + JAR_PROPERTY + "=PATH");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError("no free port for S3Proxy: " + e, e);
    }
  }

  private void launch() {
    try {
      Files.createDirectories(dir.resolve("data"));
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=" + endpoint(),
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + dir.resolve("data")), StandardCharsets.UTF_8);
      String java = ProcessHandle.current().info().command().orElse("java");
      process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start S3Proxy: " + e, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("S3Proxy exited at start; its log " + log() + ":\n" + tail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new AssertionError("S3Proxy did not listen on port " + port + " within 60 s; log " + log() + ":\n" + tail());
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public S3Config config() {
    return new S3Config(endpoint(), ACCESS_KEY, SECRET_KEY, "us-east-1");
  }

  public Path log() {
    return dir.resolve("s3proxy.log");
  }

  /** SIGKILL: the store vanishes as a crashed server would. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts again on the same port with the same objects. */
  public void restart() {
    kill();
    launch();
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
