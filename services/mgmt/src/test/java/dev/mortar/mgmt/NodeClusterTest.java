package dev.mortar.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.config.NodeConfig;
import dev.mortar.common.config.Setting;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (two clustered Vert.x instances over Hazelcast) in one JVM, driven through the admin API: the pool
 * forms by probe, a change made on one node is answered identically by the other, a stopped node is Disconnected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeClusterTest {
  private static final String H1 = "127.0.9.1";
  private static final String H2 = "127.0.9.2";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @TempDir
  static Path dir;
  private Node n1;
  private Node n2;

  private static NodeConfig config(String host, Path state) {
    return NodeConfig.load(Map.of(), Map.of(Setting.HOST, host, Setting.ADMIN_BIND, host,
        Setting.STATE_DIR, state.toString()));
  }

  @BeforeAll
  void start() throws Exception {
    n1 = Node.start(config(H1, dir.resolve("n1")));
    n2 = Node.start(config(H2, dir.resolve("n2")));
  }

  @AfterAll
  void stop() throws Exception {
    if (n1 != null) {
      n1.close();
    }
    if (n2 != null) {
      n2.close();
    }
  }

  private HttpResponse<String> call(String host, String method, String path, String body) throws Exception {
    return call(host, method, path, body, Duration.ofSeconds(60));
  }

  /** Polls use a short timeout: a node that is restarting its cluster membership may drop a request unanswered. */
  private HttpResponse<String> poll(String host, String path) throws Exception {
    return call(host, "GET", path, null, Duration.ofSeconds(3));
  }

  private HttpResponse<String> call(String host, String method, String path, String body, Duration timeout)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":24007" + path))
        .timeout(timeout).header("content-type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void eventually(long ms, BooleanSupplier cond, String what) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("not within " + ms + " ms: " + what);
      }
      Thread.sleep(100);
    }
  }

  private boolean connected(String from, String peerHost) {
    try {
      JsonObject peers = new JsonObject(poll(from, "/api/v1/peers").body());
      return peers.getJsonArray("peers").stream().map(JsonObject.class::cast)
          .anyMatch(p -> p.getString("hostname").equals(peerHost) && p.getBoolean("connected"));
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  @Order(1)
  void probeFormsThePoolAndEitherNodeAnswersForIt() throws Exception {
    HttpResponse<String> probe = call(H1, "POST", "/api/v1/peers", "{\"host\":\"" + H2 + "\"}");
    assertEquals(200, probe.statusCode(), probe.body());
    assertTrue(connected(H1, H2));
    eventually(10_000, () -> connected(H2, H1), "node2 sees node1 Connected");

    HttpResponse<String> again = call(H2, "POST", "/api/v1/peers", "{\"host\":\"" + H1 + "\"}");
    assertEquals("Host " + H1 + " port 24007 already in peer list",
        new JsonObject(again.body()).getString("message"));

    HttpResponse<String> create = call(H2, "POST", "/api/v1/volumes", "{\"name\":\"jvm\",\"replica\":2,"
        + "\"bricks\":[\"" + H1 + ":" + dir.resolve("b1") + "\",\"" + H2 + ":" + dir.resolve("b2") + "\"]}");
    assertEquals(201, create.statusCode(), create.body());
    assertEquals(200, call(H1, "PUT", "/api/v1/volumes/jvm/options",
        "{\"options\":{\"network.ping-timeout\":\"4\"}}").statusCode());
    String onOne = call(H1, "GET", "/api/v1/volumes/jvm", null).body();
    eventually(5_000, () -> {
      try {
        return onOne.equals(poll(H2, "/api/v1/volumes/jvm").body());
      } catch (Exception e) {
        return false;
      }
    }, "both nodes answer the same volume definition");
    assertEquals("4", new JsonObject(onOne).getJsonObject("options").getString("network.ping-timeout"));

    HttpResponse<String> started = call(H1, "POST", "/api/v1/volumes/jvm/start", null);
    assertEquals(200, started.statusCode(), started.body());
    eventually(5_000, () -> {
      try {
        JsonObject st = new JsonObject(poll(H2, "/api/v1/volumes/jvm/status").body());
        return st.getJsonArray("bricks").stream().map(JsonObject.class::cast).allMatch(b -> b.getBoolean("online"));
      } catch (Exception e) {
        return false;
      }
    }, "both bricks online in volume status");

    String metrics = call(H1, "GET", "/metrics", null).body();
    assertTrue(metrics.contains("mortar_peers_connected 1.0"), "metrics: peers connected");
    assertTrue(metrics.contains("mortar_volumes{state=\"Started\"} 1.0"), "metrics: volumes by state");
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(metrics.contains("vertx_"), "Vert.x metrics");
  }

  @Test
  @Order(2)
  void thePoolAndItsVolumesSurviveARestartOfEveryNode() throws Exception {
    String before = call(H1, "GET", "/api/v1/volumes", null).body();
    n1.close();
    n2.close();
    n1 = Node.start(config(H1, dir.resolve("n1")));
    n2 = Node.start(config(H2, dir.resolve("n2")));
    eventually(10_000, () -> connected(H1, H2) && connected(H2, H1), "Connected again after the restart");
    assertEquals(before, call(H1, "GET", "/api/v1/volumes", null).body());
    assertEquals(before, call(H2, "GET", "/api/v1/volumes", null).body());
  }

  @Test
  @Order(3)
  void detachIsRefusedWhileThePeerHoldsBricksAndThenLeavesItAlone() throws Exception {
    HttpResponse<String> refused = call(H1, "DELETE", "/api/v1/peers/" + H2, null);
    assertEquals(409, refused.statusCode());
    assertTrue(refused.body().contains("hosts one or more bricks"), refused.body());

    assertEquals(200, call(H2, "POST", "/api/v1/volumes/jvm/stop", null).statusCode());
    assertEquals(200, call(H2, "DELETE", "/api/v1/volumes/jvm", null).statusCode());
    HttpResponse<String> detached = call(H1, "DELETE", "/api/v1/peers/" + H2, null);
    assertEquals(200, detached.statusCode(), detached.body());

    assertEquals(0, new JsonObject(call(H1, "GET", "/api/v1/peers", null).body()).getJsonArray("peers").size());
    eventually(15_000, () -> {
      try {
        JsonObject info = new JsonObject(poll(H2, "/api/v1/node").body());
        JsonObject mine = new JsonObject(poll(H1, "/api/v1/node").body());
        return info.getInteger("members") == 1 && !info.getString("poolId").equals(mine.getString("poolId"));
      } catch (Exception e) {
        return false;
      }
    }, "the detached node is a pool of its own");
  }
}
