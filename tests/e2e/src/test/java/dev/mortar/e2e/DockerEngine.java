package dev.mortar.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Docker engine of the test's own: {@code dockerd} with its socket, data and exec roots in one directory, started
 * without touching the host's firewall ({@code --iptables=false}), and stopped with nothing left behind (mounts,
 * docker0, compose bridges, veths). CI has no image registry, so base images are made here: a debootstrap minbase of
 * this machine's Debian release, imported, and a JRE image on it. The directory outlives the run (default
 * {@code /var/tmp/mortar-e2e-docker}, {@code -Dmortar.docker.dir}), so the base images are made once per machine.
 */
final class DockerEngine implements AutoCloseable {
  static final String INSTALL = "apt-get install -y --no-install-recommends docker.io docker-compose debootstrap";
  static final String DEBIAN_IMAGE = "mortar-e2e/debian:base";
  static final String JRE_IMAGE = "mortar-e2e/jre:17";

  /** Interfaces dockerd makes: its default bridge, compose networks' bridges and containers' veth ends. */
  private static final Pattern DOCKER_LINK = Pattern.compile("docker0|br-[0-9a-f]{12}|veth[0-9a-f]{7}");

  final Path dir;
  private final Path pidFile;
  private final Path log;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> compose;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<String> linksBefore;
  private Process dockerd;

  private DockerEngine(Path dir, List<String> compose, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.pidFile = dir.resolve("dockerd.pid");
    this.log = dir.resolve("dockerd.log");
    this.compose = compose;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.linksBefore = dockerLinks();
    env.put("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"));
    // The classic builder: BuildKit needs the buildx plugin, which Debian's docker.io lacks.
    env.put("DOCKER_BUILDKIT", "0");
    env.put("COMPOSE_DOCKER_CLI_BUILD", "0");
  }

  /** Checks the tools, takes the directory's lock (one engine per directory), starts dockerd and waits for it. */
  static DockerEngine start() throws IOException {
    List<String> compose = requireTools();
    Path dir = Path.of(System.getProperty("mortar.docker.dir", "/var/tmp/mortar-e2e-docker"));
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = Eventually.await("the lock on " + dir + " (another ComposeTest is using that engine)",
        Duration.ofMinutes(15), () -> ch.tryLock(), l -> l != null).value();
    E2e.note("compose command: " + String.join(" ", compose) + "; engine directory " + dir);
    DockerEngine engine = new DockerEngine(dir, compose, ch, lock);
    engine.startDaemon();
    return engine;
  }

  /** The compose command ({@code docker compose} v2 when the plugin is there, else {@code docker-compose} v1). */
  List<String> compose() {
    return compose;
  }

  /** DOCKER_HOST and the builder settings, for every docker and compose command. */
  Map<String, String> env() {
    return Map.copyOf(env);
  }

  Cmd.Result run(Duration timeout, List<String> argv) {
    return Cmd.run(timeout, env, argv);
  }

  Cmd.Result run(Duration timeout, String... argv) {
    return run(timeout, List.of(argv));
  }

  /** A docker command that must succeed. */
  Cmd.Result docker(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>(List.of("docker"));
    argv.addAll(List.of(args));
    Cmd.Result r = run(timeout, argv);
    if (!r.ok()) {
      throw new AssertionError(r.describe());
    }
    return r;
  }

  private static List<String> requireTools() {
    List<String> missing = new ArrayList<>();
    for (String tool : List.of("dockerd", "docker", "containerd", "runc", "debootstrap")) {
      if (onPath(tool).isEmpty()) {
        missing.add(tool);
      }
    }
    List<String> compose = null;
    if (onPath("docker").isPresent() && Cmd.run(Duration.ofSeconds(30), "docker", "compose", "version").ok()) {
      compose = List.of("docker", "compose");
    } else if (onPath("docker-compose").isPresent()) {
      compose = List.of("docker-compose");
    } else {
      missing.add("docker compose or docker-compose");
    }
    if (!missing.isEmpty()) {
      throw new AssertionError("ComposeTest runs the compose deployment on a real Docker engine, and this machine lacks "
          + String.join(", ", missing) + ". Install them (as root): " + INSTALL + "  (.ci/run does)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new AssertionError("ComposeTest starts its own dockerd and needs root; run the tests as root (CI does)");
    }
    if (!Files.exists(Path.of("/dev/fuse"))) {
      throw new AssertionError("/dev/fuse is missing: the client container mounts with FUSE; modprobe fuse");
    }
    return compose;
  }

  private static Optional<Path> onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    return Stream.of(path.split(":")).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
  }

  private void startDaemon() throws IOException {
    stopLeftoverDaemon();
    Path data = Files.createDirectories(dir.resolve("data"));
    Path exec = Files.createDirectories(dir.resolve("exec"));
    List<String> argv = List.of("dockerd", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
        "--data-root", data.toString(), "--exec-root", exec.toString(), "--pidfile", pidFile.toString(),
        "-H", env.get("DOCKER_HOST"));
    Files.writeString(log, "\n=== " + String.join(" ", argv) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    dockerd = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    Eventually.await("dockerd answers (its log: " + log + ")", Duration.ofSeconds(60), () -> {
      if (!dockerd.isAlive()) {
        throw new AssertionError("dockerd exited with " + dockerd.exitValue() + "; last lines of " + log + ":\n"
            + tail(log, 20));
      }
      return run(Duration.ofSeconds(10), "docker", "version", "--format", "{{.Server.Version}}");
    }, Cmd.Result::ok);
  }

  /** A dockerd of an earlier run that was killed before its teardown: ours by its pidfile, so stopped here. */
  private void stopLeftoverDaemon() throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    String pid = Files.readString(pidFile).trim();
    Optional<ProcessHandle> old = pid.matches("\\d+") ? ProcessHandle.of(Long.parseLong(pid)) : Optional.empty();
    if (old.isPresent() && old.get().info().command().orElse("").endsWith("dockerd")) {
      E2e.note("stopping the dockerd (pid " + pid + ") an earlier run left behind");
      stop(old.get());
    }
    cleanUp();
  }

  /**
   * The test's base images, made when missing: the debootstrap minbase of this machine's Debian release from the
   * mirror apt uses, then {@code src/test/docker/jre} on it. Returns the JRE image's name.
   */
  String baseImages(Path dockerSrc) throws IOException {
    if (!run(Duration.ofSeconds(30), "docker", "image", "inspect", DEBIAN_IMAGE).ok()) {
      long t0 = System.nanoTime();
      String suite = osRelease("VERSION_CODENAME");
      String mirror = System.getProperty("mortar.debian.mirror", debianMirror());
      Path rootfs = dir.resolve("rootfs");
      deleteTree(rootfs);
      E2e.note("making the base image " + DEBIAN_IMAGE + ": debootstrap --variant=minbase " + suite);
      Cmd.Result r = run(Duration.ofMinutes(10), "debootstrap", "--variant=minbase", suite, rootfs.toString(), mirror);
      if (!r.ok()) {
        throw new AssertionError("debootstrap failed (does apt reach " + mirror + "?): " + r.describe());
      }
      r = run(Duration.ofMinutes(5), "bash", "-c", "set -o pipefail; tar -C \"$1\" -c . | docker import - \"$2\"",
          "import", rootfs.toString(), DEBIAN_IMAGE);
      if (!r.ok()) {
        throw new AssertionError("docker import of the debootstrap tree failed: " + r.describe());
      }
      deleteTree(rootfs);
      E2e.measured("debootstrap + docker import (once per machine)", Duration.ofNanos(System.nanoTime() - t0));
    }
    long t0 = System.nanoTime();
    // Cached layers make this instant after the first run; apt in it needs the host's network.
    docker(Duration.ofMinutes(10), "build", "-q", "--network", "host", "--build-arg", "DEBIAN_IMAGE=" + DEBIAN_IMAGE,
        "-t", JRE_IMAGE, dockerSrc.resolve("jre").toString());
    E2e.measured("JRE base image " + JRE_IMAGE, Duration.ofNanos(System.nanoTime() - t0));
    return JRE_IMAGE;
  }

  private static String osRelease(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
      if (line.startsWith(key + "=")) {
        return line.substring(key.length() + 1).replace("\"", "");
      }
    }
    throw new AssertionError("/etc/os-release has no " + key + ": ComposeTest makes its base image with debootstrap"
        + " and expects a Debian machine");
  }

  /** The first Debian mirror in apt's sources (deb822 or one-line), not the security archive. */
  private static String debianMirror() throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isRegularFile(Path.of("/etc/apt/sources.list"))) {
      files.add(Path.of("/etc/apt/sources.list"));
    }
    Path d = Path.of("/etc/apt/sources.list.d");
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(files::add);
      }
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        String t = line.trim();
        String uri = null;
        if (t.startsWith("URIs:")) {
          uri = t.substring(5).trim().split("\\s+")[0];
        } else if (t.startsWith("deb ")) {
          uri = Stream.of(t.split("\\s+")).skip(1).filter(w -> !w.startsWith("[")).findFirst().orElse(null);
        }
        if (uri != null && uri.contains("debian") && !uri.contains("security")) {
          return uri;
        }
      }
    }
    throw new AssertionError("no Debian mirror found in /etc/apt/sources.list(.d); pass -Dmortar.debian.mirror=URL");
  }

  /**
   * Stops dockerd and removes what it leaves: mounts under its directory (its netns and overlay mounts), docker0 and
   * other bridges and veths it made. Returns what is still there afterwards (empty when clean).
   */
  List<String> stop() throws IOException {
    if (dockerd != null && dockerd.isAlive()) {
      stop(dockerd.toHandle());
    }
    return cleanUp();
  }

  private static void stop(ProcessHandle p) {
    p.destroy(); // SIGTERM: dockerd stops its containers and its containerd
    try {
      p.onExit().get(40, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      E2e.note("dockerd (pid " + p.pid() + ") did not stop within 40 s of SIGTERM; killing it");
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private List<String> cleanUp() throws IOException {
    List<String> left = new ArrayList<>();
    for (String m : mountsUnder(dir)) {
      Cmd.Result r = Cmd.run(Duration.ofSeconds(30), "umount", m);
      if (!r.ok()) {
        Cmd.run(Duration.ofSeconds(30), "umount", "-l", m);
      }
    }
    for (String link : dockerLinks()) {
      if (link.equals("docker0") || !linksBefore.contains(link)) {
        Cmd.run(Duration.ofSeconds(30), "ip", "link", "del", link);
      }
    }
    mountsUnder(dir).forEach(m -> left.add("mount " + m));
    dockerLinks().stream().filter(l -> l.equals("docker0") || !linksBefore.contains(l)).forEach(l -> left.add("interface " + l));
    // containerd and shims of this engine name its exec root on their command lines (so may Maven's, given
    // -Dmortar.docker.dir: this JVM and its ancestors are not leftovers).
    String root = dir.toString();
    List<Long> us = new ArrayList<>();
    for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
      us.add(p.get().pid());
    }
    ProcessHandle.allProcesses().filter(p -> !us.contains(p.pid()))
        .filter(p -> p.info().commandLine().orElse("").contains(root))
        .forEach(p -> left.add("process " + p.pid() + ": " + p.info().commandLine().orElse("?")));
    return left;
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath() + "/";
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
      String target = line.split(" ")[1].replace("\\040", " ");
      if (target.startsWith(prefix)) {
        found.add(target);
      }
    }
    found.sort(Comparator.reverseOrder()); // deepest first
    return found;
  }

  private static List<String> dockerLinks() {
    try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> DOCKER_LINK.matcher(n).matches()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      Cmd.Result r = Cmd.run(Duration.ofMinutes(2), "rm", "-rf", "--one-file-system", p.toString());
      if (!r.ok()) {
        throw new AssertionError("cannot remove " + p + ": " + r.describe());
      }
    }
  }

  /** Stops the engine if the test did not (a failure before its end) and releases the directory. */
  @Override
  public void close() throws IOException {
    try {
      List<String> left = stop();
      if (!left.isEmpty()) {
        E2e.note("left behind by the Docker engine: " + left);
      }
    } finally {
      lock.release();
      lockChannel.close();
    }
  }
}
