package dev.mortar.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code mortar node} as a separate OS process, started the way a user starts it ({@code bin/mortar node ...},
 * which {@code exec}s java, so the process we hold is the node's JVM). stdout and stderr go to a log file, which
 * survives restarts (each start is marked in it).
 */
final class NodeProcess {
  private static final Pattern RUNNING = Pattern.compile("mortar node (\\S+) running; admin API on port (\\d+)");
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  /** Every node process this JVM started, killed at exit should a test class fail to clean up. */
  private static final Set<Process> ALL = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }), "e2e-node-reaper"));
  }

  final String name;
  final String host;
  final int adminPort;
  final Path stateDir;
  final Path log;
  private final List<String> prefix;
  private final String adminBind;
  private Process process;
  /** Extra environment, e.g. the MORTAR_S3_* settings of a node that serves S3 bricks. */
  private final Map<String, String> env = new HashMap<>();
  private String uuid;
  /** Where in the log this start's output begins. */
  private long startOffset;

  /**
   * @param prefix    words before {@code bin/mortar} (empty, or {@code ip netns exec NS})
   * @param adminBind address for the admin API, or null for the default (all addresses)
   */
  NodeProcess(String name, List<String> prefix, String host, String adminBind, int adminPort, Path stateDir,
              Path log) {
    this.name = name;
    this.prefix = List.copyOf(prefix);
    this.host = host;
    this.adminBind = adminBind;
    this.adminPort = adminPort;
    this.stateDir = stateDir;
    this.log = log;
  }

  /** Sets environment variables for this and later starts. */
  NodeProcess env(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  /** Starts the process; {@link #awaitRunning()} waits for it to be up. */
  NodeProcess launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(E2e.mortar(), "node", "--host", host, "--state-dir", stateDir.toString()));
    if (adminBind != null) {
      argv.addAll(List.of("--admin-bind", adminBind));
    }
    if (adminPort != 24007) {
      argv.addAll(List.of("--admin-port", String.valueOf(adminPort), "--cluster-port", String.valueOf(adminPort + 1),
          "--eventbus-port", String.valueOf(adminPort + 2)));
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "=== e2e " + LocalDateTime.now() + ": " + String.join(" ", argv) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      startOffset = Files.size(log);
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().putAll(env);
      process = pb.redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      ALL.add(process);
    } catch (IOException e) {
      throw new AssertionError("cannot start " + name + ": " + e.getMessage(), e);
    }
    return this;
  }

  /** Waits for {@code mortar node <uuid> running; admin API on port P}; returns the time it took. */
  Duration awaitRunning() {
    long t0 = System.nanoTime();
    long deadline = t0 + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Matcher> m = runningLine();
      if (m.isPresent()) {
        uuid = m.get().group(1);
        return Duration.ofNanos(System.nanoTime() - t0);
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " (" + host + ") exited with status " + process.exitValue()
            + " before it was running; log " + log + ":\n" + tail(40));
      }
      sleep(100);
    }
    throw new AssertionError(name + " (" + host + ") did not print its 'running' line within "
        + START_LIMIT.toSeconds() + " s; log " + log + ":\n" + tail(40));
  }

  private Optional<Matcher> runningLine() {
    try {
      byte[] all = Files.readAllBytes(log);
      String since = new String(all, (int) Math.min(startOffset, all.length), (int) Math.max(0, all.length
          - startOffset), StandardCharsets.UTF_8);
      Matcher m = RUNNING.matcher(since);
      return m.find() ? Optional.of(m) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's UUID, from its 'running' line. */
  String uuid() {
    if (uuid == null) {
      throw new IllegalStateException(name + " has not reported running yet");
    }
    return uuid;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The command line of the process we hold, to show it is the node's JVM and not a shell wrapper. */
  String command() {
    return process.info().command().orElse("?");
  }

  /** SIGKILL, as a crash or a power cut would end it; returns once the process is gone. */
  void kill() {
    if (process == null) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly); // none when bin/mortar exec'd java, as it should
    process.destroyForcibly();
    waitGone(Duration.ofSeconds(15));
  }

  /** SIGTERM (a clean stop), SIGKILL if it takes longer than 15 s. */
  void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    waitGone(Duration.ofSeconds(15));
  }

  private void waitGone(Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " (pid " + process.pid() + ") is still alive " + limit.toSeconds()
            + " s after it was killed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ALL.remove(process);
  }

  /** The last lines of the log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
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
  public String toString() {
    return name + " (" + host + (process != null ? ", pid " + process.pid() : "") + ", log " + log + ")";
  }
}
