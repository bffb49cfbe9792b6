package dev.mortar.e2e;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and captures its exit status, stdout and stderr. stdin is empty (not a terminal). */
final class Cmd {
  private Cmd() {}

  /** One finished command. */
  record Result(List<String> argv, int exit, String out, String err, long millis) {
    boolean ok() {
      return exit == 0;
    }

    /** For assertion messages: the command, its status and both outputs. */
    String describe() {
      return "`" + String.join(" ", argv) + "` exited " + exit + " after " + millis + " ms\n--- stdout ---\n" + out
          + "--- stderr ---\n" + err + "---";
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  static Result run(Duration timeout, List<String> argv) {
    return run(timeout, Map.of(), argv);
  }

  /** Runs with {@code env} added to this process's environment. */
  static Result run(Duration timeout, Map<String, String> env, List<String> argv) {
    long t0 = System.nanoTime();
    Process p;
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("cannot run `" + String.join(" ", argv) + "`: " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("`" + String.join(" ", argv) + "` did not finish within " + timeout.toSeconds()
            + " s\n--- stdout ---\n" + out.getNow("") + "--- stderr ---\n" + err.getNow(""));
      }
      return new Result(List.copyOf(argv), p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS),
          (System.nanoTime() - t0) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new AssertionError("interrupted while running " + argv, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("cannot read the output of " + argv, e);
    }
  }

  static Result run(Duration timeout, String... argv) {
    return run(timeout, List.of(argv));
  }

  /** Runs a command that must succeed (setup and teardown steps). */
  static Result must(String... argv) {
    Result r = run(Duration.ofSeconds(30), argv);
    if (!r.ok()) {
      throw new AssertionError("setup command failed: " + r.describe());
    }
    return r;
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        return buf.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, r -> {
      Thread t = new Thread(r, "e2e-drain");
      t.setDaemon(true);
      t.start();
    });
  }
}
