package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.e2e.Cmd.Result;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

  /**
   * The body of {@code GET PATH} on the node's admin API, asked from where this CLI runs (inside its namespace, if
   * any) with bash's {@code /dev/tcp}: a few milliseconds, where the CLI, a JVM, takes 1.5-2.5 s to start on a busy
   * machine. Timed waits poll this, so that they measure the pool, not the probe.
   */
  String apiGet(String path) {
    String[] hostPort = remoteHost.split(":");
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of("bash", "-c", "exec 3<>\"/dev/tcp/$1/$2\" && printf 'GET %s HTTP/1.0\\r\\n\\r\\n' \"$3\" >&3"
        + " && cat <&3", "_", hostPort[0], hostPort.length > 1 ? hostPort[1] : "24007", path));
    Result r = Cmd.run(Duration.ofSeconds(10), argv);
    int body = r.out().indexOf("\r\n\r\n");
    if (!r.ok() || !r.out().matches("(?s)HTTP/1\\.[01] 200 .*") || body < 0) {
      throw new AssertionError("GET " + path + " on " + remoteHost + ": " + r.describe());
    }
    return r.out().substring(body + 4);
  }

  /**
   * Waits until this node's peers are in the {@code expected} states (host to "Connected" or "Disconnected"), timed
   * from {@code since} through the admin API ({@link #apiGet}: a CLI call would add its JVM's start to the measure),
   * then checks that `peer status`, as a user types it, says the same. The result holds that `peer status`.
   */
  Eventually.Timed<Result> awaitPeers(Map<String, String> expected, long since, Duration limit) {
    while (true) {
      Eventually.Timed<String> seen = Eventually.await(remoteHost + "'s peers " + expected, since, limit,
          () -> apiGet("/api/v1/peers"), body -> expected.equals(peerStates(body)));
      Result status = ok("peer", "status");
      if (CliText.peersAre(status.out(), expected)) {
        return new Eventually.Timed<>(status, seen.elapsed());
      }
      // A peer seen again flaps once while Hazelcast merges the two sides (the merging side leaves and joins):
      // the states count once they hold for the CLI too, within the same limit.
      boolean timeLeft = System.nanoTime() - since < limit.toNanos();
      assertTrue(timeLeft, () -> "peer status on " + remoteHost + " after its admin API showed " + expected + ":\n"
          + status.out());
      E2e.note("peer status on " + remoteHost + " changed again after its admin API showed " + expected
          + " (a merge): waiting on");
    }
  }

  /**
   * Waits until this node knows exactly the volumes {@code names}, timed from {@code since} through the admin API as
   * {@link #awaitPeers} is, then checks that `volume list` says the same. The result holds that `volume list`.
   */
  Eventually.Timed<Result> awaitVolumes(List<String> names, long since, Duration limit) {
    Eventually.Timed<String> seen = Eventually.await(remoteHost + "'s volumes " + names, since, limit,
        () -> apiGet("/api/v1/volumes"), body -> names.equals(new JsonObject(body).getJsonArray("volumes").stream()
            .map(v -> ((JsonObject) v).getString("name")).toList()));
    Result list = ok("volume", "list");
    assertEquals(names.stream().map(n -> n + "\n").collect(Collectors.joining()), list.out(),
        "volume list on " + remoteHost + " after its admin API showed " + names);
    return new Eventually.Timed<>(list, seen.elapsed());
  }

  /** Host to "Connected" or "Disconnected", from {@code GET /api/v1/peers}. */
  private static Map<String, String> peerStates(String body) {
    Map<String, String> states = new TreeMap<>();
    new JsonObject(body).getJsonArray("peers").forEach(p -> states.put(((JsonObject) p).getString("hostname"),
        ((JsonObject) p).getBoolean("connected") ? "Connected" : "Disconnected"));
    return states;
  }

  @Override
  public String toString() {
    return (prefix.isEmpty() ? "" : String.join(" ", prefix) + " ") + "mortar --remote-host " + remoteHost;
  }
}
