package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Nodes as separate processes on one machine, node {@code i} (from 1) on loopback address {@code PREFIX.i}, each
 * with its own state directory and log. Not a pool yet: tests probe them together with the CLI.
 */
final class LocalNodes implements AutoCloseable {
  final Loopback net;
  final Path work;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** Starts {@code count} nodes at once and waits for all of them to be running. */
  static LocalNodes start(String testName, int count, NodeLogs logs) {
    return start(testName, count, logs, Map.of());
  }

  /** The same, every node with extra environment variables (its MORTAR_* settings). */
  static LocalNodes start(String testName, int count, NodeLogs logs, Map<String, String> env) {
    return start(testName, count, logs, i -> env);
  }

  /** The same, node {@code i} with the environment variables {@code envOf(i)}. */
  static LocalNodes start(String testName, int count, NodeLogs logs, IntFunction<Map<String, String>> envOf) {
    Loopback net = Loopback.pick(count);
    Path work = E2e.workDir(testName);
    Path logDir = E2e.logDir(testName);
    LocalNodes n = new LocalNodes(net, work);
    try {
      for (int i = 1; i <= count; i++) {
        NodeProcess p = new NodeProcess("node" + i, List.of(), net.host(i), net.host(i), net.adminPort(),
            work.resolve("state/node" + i), logDir.resolve("node" + i + ".log"));
        p.env(envOf.apply(i));
        logs.add(p);
        n.nodes.add(p);
        p.launch();
      }
      long t0 = System.nanoTime();
      for (NodeProcess p : n.nodes) {
        p.awaitRunning();
      }
      E2e.note(count + " nodes running on " + net.prefix() + ".1-" + count + " (admin port " + net.adminPort()
          + ") after " + Eventually.seconds(Duration.ofNanos(System.nanoTime() - t0)) + "; logs in " + logDir);
    } catch (RuntimeException | Error e) {
      n.close();
      throw e;
    }
    return n;
  }

  private LocalNodes(Loopback net, Path work) {
    this.net = net;
    this.work = work;
  }

  NodeProcess node(int i) {
    return nodes.get(i - 1);
  }

  String host(int i) {
    return net.host(i);
  }

  Cli cli(int i) {
    return new Cli(List.of(), net.remote(i));
  }

  /** A brick spec {@code HOST:/.../bricks/nodeI/NAME} in this test's scratch directory. */
  String brick(int i, String name) {
    return host(i) + ":" + work.resolve("bricks/node" + i + "/" + name);
  }

  /** Node 1 probes node 2, then makes and starts the replica-2 volume {@code vol} of bricks {@code b1} and {@code b2}. */
  void replicaTwo(String vol, String b1, String b2) {
    for (String[] words : List.of(new String[] {"peer", "probe", host(2)},
        new String[] {"volume", "create", vol, "replica", "2", b1, b2}, new String[] {"volume", "start", vol})) {
      Cmd.Result r = cli(1).run(words);
      assertEquals(0, r.exit(), r::describe);
    }
  }

  /** {@code GET} on node {@code i}'s admin API; the body must be JSON. */
  JsonObject get(int i, String path) {
    return send(i, HttpRequest.newBuilder(uri(i, path)).GET()).body();
  }

  /** A request to node {@code i}'s admin API, with its status and JSON body. */
  Answer send(int i, HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body());
    } catch (IOException e) {
      throw new AssertionError("admin API of node" + i + " (" + uri(i, "") + ") did not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The sum of node {@code i}'s Prometheus series {@code name} whose labels include each of {@code labels}. */
  double metric(int i, String name, String... labels) {
    Answer a = send(i, HttpRequest.newBuilder(uri(i, "/metrics")).GET());
    return a.text().lines().filter(l -> l.startsWith(name + "{"))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  URI uri(int i, String path) {
    return URI.create("http://" + net.host(i) + ":" + net.adminPort() + path);
  }

  /** An HTTP answer. */
  record Answer(int status, String contentType, String text) {
    JsonObject body() {
      try {
        return new JsonObject(text);
      } catch (RuntimeException e) {
        throw new AssertionError("HTTP " + status + " answer is not a JSON object: " + text, e);
      }
    }
  }

  @Override
  public void close() {
    for (NodeProcess p : nodes) {
      try {
        p.kill();
      } catch (RuntimeException | Error e) {
        System.err.println("[e2e] cannot kill " + p + ": " + e);
      }
    }
  }
}
