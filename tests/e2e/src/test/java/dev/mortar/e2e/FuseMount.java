package dev.mortar.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code mortar mount} client as its own process, mounted on a fresh directory; unmounted by {@link #close}. */
final class FuseMount implements AutoCloseable {
  final Path dir;
  private final Process process;
  private final Path log;

  private FuseMount(Path dir, Process process, Path log) {
    this.dir = dir;
    this.process = process;
    this.log = log;
  }

  /** Fails, naming the packages, when this machine cannot mount FUSE file systems. */
  static void requireFuse() {
    if (!Files.exists(Path.of("/dev/fuse"))) {
      throw new AssertionError("/dev/fuse is missing: FUSE tests need a kernel with FUSE (modprobe fuse)");
    }
    boolean lib = Cmd.run(Duration.ofSeconds(10), "sh", "-c", "ldconfig -p | grep -q libfuse.so.2").exit() == 0;
    boolean fusermount = Cmd.run(Duration.ofSeconds(10), "sh", "-c", "command -v fusermount").exit() == 0;
    if (!lib || !fusermount) {
      throw new AssertionError("libfuse2 and fusermount are missing: apt-get install -y fuse libfuse2");
    }
  }

  static FuseMount mount(String spec, Path dir, Path log) {
    return mount(spec, dir, log, List.of());
  }

  /** With mount options ({@code -o allow_other}, ...). */
  static FuseMount mount(String spec, Path dir, Path log, List<String> options) {
    try {
      Files.createDirectories(dir);
      Files.createDirectories(log.getParent());
      List<String> argv = new java.util.ArrayList<>(List.of(E2e.mortar(), "mount", spec, dir.toString()));
      argv.addAll(options);
      Process p = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      FuseMount m = new FuseMount(dir, p, log);
      Eventually.await(spec + " mounted on " + dir, Duration.ofSeconds(60), () -> {
        if (!p.isAlive()) {
          throw new AssertionError("mortar mount exited (" + p.exitValue() + "); log " + log + ":\n"
              + Files.readString(log));
        }
        return m.mounted();
      }, ok -> ok);
      return m;
    } catch (IOException e) {
      throw new AssertionError("cannot mount " + spec + ": " + e, e);
    }
  }

  boolean mounted() throws IOException {
    return Files.readAllLines(Path.of("/proc/mounts")).stream()
        .anyMatch(l -> l.split(" ")[1].equals(dir.toString()));
  }

  /** The sum of a counter on the client's own /metrics endpoint (its address is in the log), over its labels. */
  double counter(String name) throws IOException, InterruptedException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("mount metrics on (http://\\S+)")
        .matcher(Files.readString(log));
    if (!m.find()) {
      throw new AssertionError("the mount logged no metrics address; log " + log);
    }
    String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(m.group(1))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Stops the client with SIGTERM ({@code kill}'s default) and waits for it to exit. */
  void terminate(Duration within) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("mortar mount on " + dir + " still running " + within + " after SIGTERM; log " + log);
    }
  }

  /** Kills the client with SIGKILL: no chance to clean up. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Unmounts each mount made (a null is one that was not). */
  static void closeAll(FuseMount... mounts) {
    for (FuseMount m : mounts) {
      if (m != null) {
        m.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      if (mounted()) {
        Cmd.run(Duration.ofSeconds(30), "umount", dir.toString());
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        Cmd.run(Duration.ofSeconds(10), "fusermount", "-u", "-z", dir.toString());
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "mount on " + dir + " (log " + log + ")";
  }
}
