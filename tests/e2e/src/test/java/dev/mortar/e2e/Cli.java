package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.e2e.Cmd.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mortar} CLI as a user types it, pointed at one node ({@code --remote-host}), optionally run inside a
 * network namespace ({@code ip netns exec NS}).
 */
final class Cli {
  /** Longer than the CLI's own 60 s request timeout, so that its own timeout message is what we see. */
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final List<String> prefix;
  private final String remoteHost;

  /**
   * @param prefix     command words before {@code bin/mortar} (empty, or {@code ip netns exec NS})
   * @param remoteHost {@code HOST} or {@code HOST:PORT} of the node to ask
   */
  Cli(List<String> prefix, String remoteHost) {
    this.prefix = List.copyOf(prefix);
    this.remoteHost = remoteHost;
  }

  String remoteHost() {
    return remoteHost;
  }

  /** Runs {@code mortar --remote-host HOST ARGS...}; whatever the outcome. */
  Result run(String... args) {
    return run(TIMEOUT, args);
  }

  Result run(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(E2e.mortar());
    argv.add("--remote-host");
    argv.add(remoteHost);
    argv.addAll(List.of(args));
    return Cmd.run(timeout, argv);
  }

  /** Runs a command that must succeed (exit 0). */
  Result ok(String... args) {
    Result r = run(args);
    assertEquals(0, r.exit(), () -> "expected success: " + r.describe());
    return r;
  }

  @Override
  public String toString() {
    return (prefix.isEmpty() ? "" : String.join(" ", prefix) + " ") + "mortar --remote-host " + remoteHost;
  }
}
