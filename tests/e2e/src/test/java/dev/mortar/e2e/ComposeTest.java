package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Docker Compose deployment ({@code compose/}) on a real Docker engine, as a user runs it: the stack comes up
 * healthy, {@code up} again is harmless, a file written through the client container's FUSE mount is in every node's
 * brick, writes go on while a node container is stopped, heal leaves the three bricks identical once it is back, and
 * {@code down -v} removes everything; then the engine stops and leaves no mount or interface behind.
 *
 * <p>No image registry is reachable in CI, so the test builds its base images (see {@link DockerEngine}) and swaps
 * minio/minio for a locally built S3-compatible server through {@code src/test/docker/docker-compose.e2e.yml}.
 */
class ComposeTest {
  private static final String PROJECT = "mortare2e";
  private static final String VOLUME = "demo";
  private static final String MNT = "/mnt/mortar/" + VOLUME;
  private static final String BRICK = "/bricks/" + VOLUME;
  /** Services that run until stopped, each with a health check. */
  private static final List<String> LONG_RUNNING = List.of("node1", "node2", "node3", "minio", "client");
  /** One-shot services that must have exited 0. */
  private static final List<String> ONE_SHOT = List.of("minio-bucket", "init");
  /** Where the client mounts the volume whose bricks are in the object store. */
  private static final String OBJECTS = "/mnt/mortar/objects";
  private static final Duration SHORT = Duration.ofSeconds(60);

  private DockerEngine engine;
  private Path composeFile;
  private Path override;
  private Path logDir;
  /** The host side of the client's mounts (compose/host-mount.yml): a shared bind mount of its own. */
  private Path hostMnt;

  @Test
  void composeStackOnARealDockerEngine() throws Exception {
    Path home = E2e.home();
    composeFile = home.resolve("compose/docker-compose.yml");
    override = home.resolve("tests/e2e/src/test/docker/docker-compose.e2e.yml");
    logDir = E2e.logDir("ComposeTest");
    E2e.mortar(); // fails early, with what to run, when the jars the image copies are missing or stale

    long t0 = System.nanoTime();
    engine = DockerEngine.start();
    boolean passed = false;
    try {
      E2e.measured("dockerd up", Duration.ofNanos(System.nanoTime() - t0));
      hostMnt = sharedMountPoint(E2e.moduleTarget().resolve("compose-host-mnt"));
      scenario(home);
      passed = true;
    } finally {
      if (!passed) {
        saveLogs();
      }
      try {
        compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
      } finally {
        List<String> left = new ArrayList<>(engine.stop());
        engine.close();
        if (hostMnt != null) {
          left.addAll(unmountAll(hostMnt));
        }
        if (passed) {
          assertEquals(List.of(), left, "the stopped Docker engine left these behind");
        }
      }
    }
    E2e.measured("ComposeTest from nothing running to a clean machine", Duration.ofNanos(System.nanoTime() - t0));
  }

  private void scenario(Path home) throws Exception {
    // Validation without an engine's help: the file as users get it, and with the test's override.
    Cmd.Result plain = Cmd.run(SHORT, Map.of(), with(engine.compose(), "-f", composeFile.toString(), "config", "-q"));
    assertTrue(plain.ok(), () -> "compose/docker-compose.yml is valid: " + plain.describe());
    compose(SHORT, "config", "-q");

    // Leftovers of a run killed before its teardown.
    compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");

    String base = engine.baseImages(home.resolve("tests/e2e/src/test/docker"));
    buildS3Image(home, base);

    long up = System.nanoTime();
    compose(Duration.ofMinutes(8), "up", "-d", "--build");
    awaitHealthy(up, Duration.ofMinutes(4));
    E2e.measured("docker compose up --build -> every service healthy", Duration.ofNanos(System.nanoTime() - up));

    String volumeId = field(nodeCli("volume", "info", VOLUME), "Volume ID");

    // Up again: nothing is recreated, the init step only reports what exists.
    compose(Duration.ofMinutes(3), "up", "-d");
    awaitHealthy(System.nanoTime(), Duration.ofMinutes(2));
    String initLog = engine.docker(SHORT, "logs", container("init")).out();
    assertTrue(initLog.contains("already in peer list") && initLog.contains("volume " + VOLUME + " exists")
        && initLog.contains("volume " + VOLUME + " is started"), () -> "the second init run found the pool and the"
        + " started volume:\n" + initLog);
    assertEquals(volumeId, field(nodeCli("volume", "info", VOLUME), "Volume ID"), "the same volume after up again");

    // The bucket for S3 bricks exists on the S3 server (S3Proxy keeps a bucket as a directory).
    exec("minio", "test", "-d", "/data/mortar");

    adminApiAndMetricsOnTheHost();

    // The second volume keeps its bricks in the object store: a file written through its mount is in the bucket,
    // under every brick's prefix (S3Proxy keeps each object as a file), and reads back whole.
    assertTrue(nodeCli("volume", "info", "objects").contains("Status: Started"), "the S3-brick volume is started");
    String obj = "kept in the bucket " + UUID.randomUUID();
    Eventually.await("the client mounted the S3-brick volume", Duration.ofMinutes(1),
        () -> engine.docker(SHORT, "exec", container("client"), "sh", "-c", "echo '" + obj + "' > " + OBJECTS
            + "/in-s3.txt && cat " + OBJECTS + "/in-s3.txt").out(), (obj + "\n")::equals);
    for (String node : List.of("node1", "node2", "node3")) {
      assertTrue(exec("minio", "sh", "-c", "grep -rl '" + obj + "' /data/mortar/" + node + " | head -1")
          .contains("/data/mortar/" + node + "/"), node + "'s S3 brick holds the file's data in the bucket");
    }

    // A file written through the client's mount is in every node's brick.
    String hello = "hello from the client " + UUID.randomUUID();
    exec("client", "sh", "-c", "echo '" + hello + "' > " + MNT + "/hello.txt");
    for (String node : List.of("node1", "node2", "node3")) {
      assertEquals(hello + "\n", exec(node, "cat", BRICK + "/hello.txt"), node + "'s brick has the file");
    }
    // The same mount seen from the host (compose/host-mount.yml), both ways.
    Path onHost = hostMnt.resolve(VOLUME);
    assertEquals(hello + "\n", Files.readString(onHost.resolve("hello.txt")), "the host sees the client's mount");
    String fromHost = "written on the host " + UUID.randomUUID();
    Files.writeString(onHost.resolve("from-host.txt"), fromHost);
    assertEquals(fromHost, exec("node2", "cat", BRICK + "/from-host.txt"), "a file written on the host is in a brick");

    // One node stopped: writes go on (files created, appended to, renamed and deleted, a tree made).
    long stop = System.nanoTime();
    compose(SHORT, "stop", "node3");
    E2e.measured("docker compose stop node3", Duration.ofNanos(System.nanoTime() - stop));
    long writes = System.nanoTime();
    exec("client", "sh", "-c", "set -e; cd " + MNT + "; for i in $(seq 1 100); do echo \"line $i\" >> log.txt; done;"
        + " mkdir -p made-while-down/sub; for i in 1 2 3; do head -c 100000 /dev/urandom > made-while-down/sub/f$i; done;"
        + " echo renamed > before-rename; mv before-rename after-rename; rm hello.txt");
    E2e.measured("writes through the mount with node3 stopped", Duration.ofNanos(System.nanoTime() - writes));
    assertEquals("100", exec("client", "sh", "-c", "wc -l < " + MNT + "/log.txt").trim(), "every append is there");
    String pending = nodeCli("volume", "heal", VOLUME, "info");
    assertTrue(pending.contains("/log.txt"), () -> "node1 records what node3 missed:\n" + pending);

    // Back again: heal empties the index and the bricks are identical.
    long start = System.nanoTime();
    compose(SHORT, "start", "node3");
    Eventually.await("heal info shows 0 entries on the 3 bricks", start, Duration.ofMinutes(3),
        () -> nodeCli("volume", "heal", VOLUME, "info"),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == 3);
    E2e.measured("node3 started -> heal info empty", Duration.ofNanos(System.nanoTime() - start));
    String node1 = brickManifest("node1");
    assertEquals(node1, brickManifest("node2"), "node2's brick is node1's");
    assertEquals(node1, brickManifest("node3"), "node3's brick is node1's, healed");
    assertTrue(node1.contains("./made-while-down/sub/f3") && node1.contains("./after-rename")
        && !node1.contains("./before-rename") && !node1.contains("./hello.txt"), () -> "the bricks hold what the client"
        + " did while node3 was away:\n" + node1);
    awaitHealthy(start, Duration.ofMinutes(2));

    // Down with volumes: no container, volume or network of the project remains.
    long down = System.nanoTime();
    compose(Duration.ofMinutes(3), "down", "-v");
    E2e.measured("docker compose down -v", Duration.ofNanos(System.nanoTime() - down));
    String label = "label=com.docker.compose.project=" + PROJECT;
    assertEquals("", engine.docker(SHORT, "ps", "-aq", "--filter", label).out().trim(), "no container left");
    assertEquals("", engine.docker(SHORT, "volume", "ls", "-q", "--filter", label).out().trim(), "no volume left");
    assertEquals("", engine.docker(SHORT, "network", "ls", "-q", "--filter", label).out().trim(), "no network left");
    engine.run(SHORT, "docker", "image", "prune", "-f"); // the previous run's Mortar image, replaced by this one
  }

  /** A directory bind-mounted on itself with shared propagation, so the client container's mounts show through. */
  private static Path sharedMountPoint(Path dir) throws IOException {
    unmountAll(dir);
    Files.createDirectories(dir);
    Cmd.must("mount", "--bind", dir.toString(), dir.toString());
    Cmd.must("mount", "--make-rshared", dir.toString());
    return dir;
  }

  /** Unmounts {@code dir} and everything under it; returns what is still mounted there. */
  private static List<String> unmountAll(Path dir) throws IOException {
    List<String> left = new ArrayList<>();
    for (int pass = 0; pass < 2; pass++) {
      left.clear();
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String target = line.split(" ")[1];
        if (target.equals(dir.toString()) || target.startsWith(dir + "/")) {
          left.add(target);
        }
      }
      left.sort(java.util.Comparator.reverseOrder()); // deepest first
      for (String m : left) {
        if (!Cmd.run(SHORT, "umount", m).ok()) {
          Cmd.run(SHORT, "umount", "-l", m);
        }
      }
    }
    return left.stream().map(m -> "mount " + m).toList();
  }

  /** The README's promise: node1's admin API and /metrics on a port of the host's loopback. */
  private void adminApiAndMetricsOnTheHost() throws Exception {
    String hostPort = compose(SHORT, "port", "node1", "24007").out().trim();
    assertTrue(hostPort.startsWith("127.0.0.1:"), "node1's admin port is published on loopback: " + hostPort);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/api/v1/volumes/"
        + VOLUME)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, info.statusCode(), info.body());
    assertTrue(info.body().contains("\"" + VOLUME + "\""), info.body());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("mortar_peers_connected 2.0"), "node1 sees its 2 peers in /metrics");
  }

  /** src/test/docker/s3proxy with the S3Proxy jar Maven copied into target/s3proxy. */
  private void buildS3Image(Path home, String base) throws IOException {
    Path jar = E2e.moduleTarget().resolve("s3proxy/s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: run the test through Maven (it copies org.gaul:s3proxy"
        + " there in generate-test-resources)");
    Path ctx = Files.createDirectories(E2e.moduleTarget().resolve("docker-s3proxy"));
    Path src = home.resolve("tests/e2e/src/test/docker/s3proxy");
    for (String f : List.of("Dockerfile", "s3proxy-run")) {
      Files.copy(src.resolve(f), ctx.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.copy(jar, ctx.resolve("s3proxy.jar"), StandardCopyOption.REPLACE_EXISTING);
    long t0 = System.nanoTime();
    engine.docker(Duration.ofMinutes(5), "build", "-q", "--build-arg", "BASE_IMAGE=" + base, "-t",
        "mortar-e2e/s3proxy:4.1.0", ctx.toString());
    E2e.measured("S3Proxy image", Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Every long-running service healthy and every one-shot service exited 0. */
  private void awaitHealthy(long since, Duration limit) {
    Eventually.await("every service of the stack healthy (one-shot steps exited 0)", since, limit, () -> {
      List<String> states = new ArrayList<>();
      for (String s : LONG_RUNNING) {
        states.add(s + "=" + inspect(s, "{{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}"));
      }
      for (String s : ONE_SHOT) {
        states.add(s + "=" + inspect(s, "{{.State.Status}}/{{.State.ExitCode}}"));
      }
      return states;
    }, states -> states.stream().allMatch(s -> s.endsWith("=healthy") || s.endsWith("=exited/0")));
  }

  private String inspect(String service, String format) {
    String id = container(service);
    return id.isEmpty() ? "no-container" : engine.docker(SHORT, "inspect", "--format", format, id).out().trim();
  }

  /** The container ID of a service of the project ("" when it has none). */
  private String container(String service) {
    return compose(SHORT, "ps", "-a", "-q", service).out().trim();
  }

  /** Runs a command in a service's container; it must succeed. Returns its stdout. */
  private String exec(String service, String... argv) {
    List<String> cmd = with(List.of("docker", "exec"), container(service));
    cmd.addAll(List.of(argv));
    Cmd.Result r = engine.run(Duration.ofSeconds(90), cmd);
    assertTrue(r.ok(), () -> "in " + service + ": " + r.describe());
    return r.out();
  }

  /** The mortar CLI inside node1, as `docker compose exec node1 mortar ...`. */
  private String nodeCli(String... args) {
    List<String> cmd = new ArrayList<>(List.of("mortar"));
    cmd.addAll(List.of(args));
    return exec("node1", cmd.toArray(String[]::new));
  }

  /** Every entry of a brick but its metadata: type, path, and for files size and SHA-256. */
  private String brickManifest(String node) {
    String m = exec(node, "sh", "-c", "cd " + BRICK + " && find . -path ./.mortar -prune -o -print | LC_ALL=C sort |"
        + " while read -r f; do if [ -f \"$f\" ]; then echo \"file $f $(stat -c %s \"$f\") $(sha256sum < \"$f\")\";"
        + " else echo \"$(stat -c %F \"$f\") $f\"; fi; done");
    assertFalse(m.isBlank(), node + "'s brick lists something");
    return m;
  }

  private static String field(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
        .findFirst().orElseThrow(() -> new AssertionError("no '" + name + ":' in:\n" + text));
  }

  /** A compose command on the project (the compose file with the test's overrides); it must succeed. */
  private Cmd.Result compose(Duration timeout, String... args) {
    Cmd.Result r = composeRun(timeout, args);
    if (!r.ok()) {
      throw new AssertionError(r.describe());
    }
    return r;
  }

  private Cmd.Result composeRun(Duration timeout, String... args) {
    List<String> argv = with(engine.compose(), "-p", PROJECT, "-f", composeFile.toString(), "-f", override.toString(),
        "-f", composeFile.resolveSibling("host-mount.yml").toString());
    argv.addAll(List.of(args));
    Map<String, String> env = new java.util.HashMap<>(engine.env());
    env.put("MORTAR_HOST_MNT", String.valueOf(hostMnt));
    env.put("MORTAR_BASE_IMAGE", DockerEngine.JRE_IMAGE);
    env.put("MORTAR_IMAGE", "mortar-e2e/mortar:test");
    env.put("MORTAR_ADMIN_PORT", ""); // a free port: 24007 may be taken by a node of another test on this machine
    return Cmd.run(timeout, env, argv);
  }

  private static List<String> with(List<String> head, String... tail) {
    List<String> l = new ArrayList<>(head);
    l.addAll(List.of(tail));
    return l;
  }

  /** On failure: every service's log in the log directory, and the last lines on the console. */
  private void saveLogs() {
    try {
      Cmd.Result ps = compose(SHORT, "ps");
      Cmd.Result logs = composeRun(SHORT, "logs", "--no-color", "--timestamps");
      Path file = logDir.resolve("compose.log");
      Files.writeString(file, ps.out() + "\n" + logs.out() + logs.err());
      List<String> lines = logs.out().lines().toList();
      System.out.println("[e2e] FAILED: ComposeTest. Services:\n" + ps.out() + "[e2e] all logs: " + file
          + "\n----- last lines -----\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60),
          lines.size())));
    } catch (AssertionError | IOException e) {
      System.out.println("[e2e] cannot save the compose logs: " + e.getMessage());
    }
  }
}
