package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.e2e.Cmd.Result;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input through the CLI (and the HTTP API) against two running pools of two nodes each: pool A = node1 +
 * node2 with a started volume {@code busy}, pool B = node3 + node4. Every refusal must exit non-zero (with gluster's
 * status), print nothing on stdout, say on stderr what is wrong and what to do, and change nothing: the pool state
 * of all four nodes (generation included) and what {@code volume list} / {@code peer status} print are the same
 * before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("bad input is refused with a message and changes nothing")
class BadInputTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  private String volumeListA;
  private String peerStatusA;
  private String peerStatusB;

  @BeforeAll
  void twoPools() {
    nodes = LocalNodes.start("BadInputTest", 4, LOGS);
    assertEquals("peer probe: success\n", cli(1).ok("peer", "probe", h(2)).out());
    assertEquals("peer probe: success\n", cli(3).ok("peer", "probe", h(4)).out());
    for (int[] pair : new int[][] {{1, 2}, {2, 1}, {3, 4}, {4, 3}}) {
      Eventually.await("node" + pair[0] + " sees node" + pair[1] + " Connected", Duration.ofSeconds(10),
          () -> cli(pair[0]).ok("peer", "status"),
          r -> CliText.peersAre(r.out(), Map.of(h(pair[1]), "Connected")));
    }
    cli(1).ok("volume", "create", "busy", "replica", "2", nodes.brick(1, "busy"), nodes.brick(2, "busy"));
    cli(1).ok("volume", "start", "busy");
    volumeListA = cli(1).ok("volume", "list").out();
    assertEquals("busy\n", volumeListA);
    peerStatusA = cli(1).ok("peer", "status").out();
    peerStatusB = cli(3).ok("peer", "status").out();
  }

  @AfterAll
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  private Cli cli(int i) {
    return nodes.cli(i);
  }

  private String h(int i) {
    return nodes.host(i);
  }

  // ---- peers ----

  @Test
  @DisplayName("peer probe of a name that does not resolve")
  void probeUnresolvable() {
    refused(cli(1), 1, List.of("peer probe: failed:", "nosuchhost.invalid", "resolve", "check that"),
        "peer", "probe", "nosuchhost.invalid");
  }

  @Test
  @DisplayName("peer probe of an address where no node listens")
  void probeUnreachable() {
    String nobody = nodes.net.prefix() + ".99";
    assertTrue(Loopback.free(nobody, nodes.net.adminPort()), "test precondition: something listens on " + nobody
        + ":" + nodes.net.adminPort());
    refused(cli(1), 1, List.of("peer probe: failed:", "Transport endpoint is not connected", nobody,
        "check that 'mortar node' runs there"), "peer", "probe", nobody);
  }

  @Test
  @DisplayName("peer probe of a node that belongs to another pool, both ways")
  void probeAcrossPools() {
    refused(cli(1), 1, List.of("peer probe: failed:", h(3) + " is already part of another pool",
        "detach it from that pool first"), "peer", "probe", h(3));
    refused(cli(4), 1, List.of("peer probe: failed:", h(1) + " is already part of another pool",
        "detach it from that pool first"), "peer", "probe", h(1));
  }

  @Test
  @DisplayName("peer detach of a peer that holds bricks (gluster's exit status 255)")
  void detachPeerWithBricks() {
    refused(cli(1), 255, List.of("peer detach: failed:", "Peer " + h(2) + " hosts one or more bricks",
        "Stop and delete the volumes"), "peer", "detach", h(2));
  }

  // ---- volume create ----

  @Test
  @DisplayName("a brick on a host that is not in the pool (a node of another pool, and an address with no node)")
  void brickHostNotInPool() {
    for (String stranger : List.of(h(3), nodes.net.prefix() + ".98")) {
      refused(cli(1), 1, List.of("volume create: v1: failed:", "Host " + stranger + " is not in 'Peer in Cluster'"
          + " state", "peer probe " + stranger), "volume", "create", "v1", "replica", "2", nodes.brick(1, "v1"),
          stranger + ":/srv/v1");
    }
  }

  @Test
  @DisplayName("a relative brick path")
  void relativeBrickPath() {
    refused(cli(1), 1, List.of("Wrong brick type: " + h(2) + ":relative/v1",
        "use <HOSTNAME>:<export-dir-abs-path>"), "volume", "create", "v1", "replica", "2", nodes.brick(1, "v1"),
        h(2) + ":relative/v1");
  }

  @Test
  @DisplayName("the same brick twice")
  void duplicateBrick() {
    refused(cli(1), 1, List.of("volume create: v1: failed:", "Found duplicate exports " + nodes.brick(1, "dup")),
        "volume", "create", "v1", "replica", "2", nodes.brick(1, "dup"), nodes.brick(2, "dup"), nodes.brick(1, "dup"),
        nodes.brick(2, "dup2"));
  }

  @Test
  @DisplayName("a brick inside another brick, of the same request or of an existing volume")
  void nestedBrick() {
    refused(cli(1), 1, List.of("volume create: v1: failed:", "Brick " + nodes.brick(1, "outer/inner")
        + " is inside brick " + nodes.brick(1, "outer"), "one brick may not contain another"),
        "volume", "create", "v1", "replica", "2", nodes.brick(1, "outer"), nodes.brick(2, "outer"),
        nodes.brick(1, "outer/inner"), nodes.brick(2, "other"));
    refused(cli(1), 1, List.of("volume create: v1: failed:", "Brick " + nodes.brick(1, "busy/sub")
        + " overlaps brick " + nodes.brick(1, "busy") + " of volume busy", "choose a directory outside it"),
        "volume", "create", "v1", "replica", "2", nodes.brick(1, "busy/sub"), nodes.brick(2, "v1"));
  }

  @Test
  @DisplayName("a brick count that is not a multiple of the replica count")
  void brickCountNotMultiple() {
    refused(cli(1), 1, List.of("volume create: v1: failed:", "number of bricks (3) is not a multiple of the replica"
        + " count (2)", "give 2 bricks per replica set"), "volume", "create", "v1", "replica", "2",
        nodes.brick(1, "v1"), nodes.brick(2, "v1"), nodes.brick(1, "v1b"));
  }

  @Test
  @DisplayName("two bricks of one replica set on one host: refused without force, made with force")
  void sameHostNeedsForce() {
    String[] create = {"volume", "create", "samehost", "replica", "2", nodes.brick(1, "sh-a"), nodes.brick(1, "sh-b")};
    refused(cli(1), 1, List.of("volume create: samehost: failed:", "Multiple bricks of a replicate volume are present"
        + " on the same server", "Use 'force' at the end of the command"), create);

    String[] forced = java.util.stream.Stream.concat(java.util.Arrays.stream(create), java.util.stream.Stream.of(
        "force")).toArray(String[]::new);
    Result ok = cli(1).run(forced);
    assertEquals(0, ok.exit(), ok::describe);
    assertEquals("volume create: samehost: success: please start the volume to access data\n", ok.out());
    assertEquals("busy\nsamehost\n", cli(2).ok("volume", "list").out(), "the forced volume, seen from node2");
    // Leave the pool as the other items expect it.
    assertEquals("volume delete: samehost: success\n",
        cli(1).ok("--mode=script", "volume", "delete", "samehost").out());
    assertEquals(volumeListA, cli(1).ok("volume", "list").out());
  }

  @Test
  @DisplayName("a volume name that is taken")
  void existingName() {
    refused(cli(2), 1, List.of("volume create: busy: failed:", "Volume busy already exists"),
        "volume", "create", "busy", "replica", "2", nodes.brick(1, "again"), nodes.brick(2, "again"));
  }

  @Test
  @DisplayName("invalid volume names: 'bad/name' and 'a b'")
  void invalidName() {
    for (String name : List.of("bad/name", "a b")) {
      refused(cli(1), 1, List.of("volume create: " + name + ": failed:", "volume name '" + name + "' is not valid",
          "use 1 to 64 letters, digits"), "volume", "create", name, "replica", "2", nodes.brick(1, "v1"),
          nodes.brick(2, "v1"));
    }
  }

  // ---- volume lifecycle ----

  @Test
  @DisplayName("volume start of a started volume")
  void startStarted() {
    refused(cli(1), 1, List.of("volume start: busy: failed: Volume busy already started"), "volume", "start", "busy");
  }

  @Test
  @DisplayName("volume delete of a started volume")
  void deleteStarted() {
    refused(cli(2), 1, List.of("volume delete: busy: failed:", "Volume busy has been started",
        "needs to be stopped before deletion"), "--mode=script", "volume", "delete", "busy");
  }

  // ---- HTTP API ----

  @Test
  @DisplayName("HTTP API: malformed JSON, unknown fields and wrong types give 400 with a JSON message")
  void httpBadRequests() {
    String brick1 = nodes.brick(1, "http");
    String brick2 = nodes.brick(2, "http");
    String goodBricks = new JsonArray().add(brick1).add(brick2).encode();
    Map<String, List<String>> volumeBodies = new java.util.LinkedHashMap<>();
    volumeBodies.put("{\"name\":\"http\",", List.of("not valid JSON"));
    volumeBodies.put("{\"name\":\"http\",\"replica\":2,\"bricks\":" + goodBricks + ",\"colour\":\"red\"}",
        List.of("unknown field(s) [colour]", "allowed:"));
    volumeBodies.put("{\"name\":\"http\",\"replica\":\"two\",\"bricks\":" + goodBricks + "}",
        List.of("'replica' must be a whole number"));
    volumeBodies.put("[\"http\"]", List.of("must be a JSON object"));
    volumeBodies.put("{\"name\":\"http\",\"replica\":2,\"bricks\":[\"" + h(1) + ":relative\",\"" + brick2 + "\"]}",
        List.of("must be absolute"));
    for (Map.Entry<String, List<String>> e : volumeBodies.entrySet()) {
      badHttp("POST /api/v1/volumes " + e.getKey(), e.getValue(), () -> HttpRequest.newBuilder(
          nodes.uri(1, "/api/v1/volumes")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(e.getKey())));
    }
    badHttp("POST /api/v1/peers with an unknown field", List.of("unknown field(s) [port]"),
        () -> HttpRequest.newBuilder(nodes.uri(2, "/api/v1/peers")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"host\":\"" + h(1) + "\",\"port\":24007}")));
    badHttp("PUT /api/v1/volumes/busy/options with an unknown field", List.of("unknown field(s) [force]"),
        () -> HttpRequest.newBuilder(nodes.uri(1, "/api/v1/volumes/busy/options"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"options\":{\"network.ping-timeout\":\"9\"},\"force\":true}")));
  }

  /** One bad HTTP request: 400, a JSON error with a message, no change. */
  private void badHttp(String what, List<String> mustSay, Supplier<HttpRequest.Builder> request) {
    JsonObject before = snapshot();
    LocalNodes.Answer a = nodes.send(1, request.get());
    assertEquals(400, a.status(), () -> what + " answered " + a.status() + ": " + a.text());
    assertTrue(a.contentType().startsWith("application/json"), () -> what + ": content-type " + a.contentType());
    JsonObject body = a.body();
    assertEquals("BAD_REQUEST", body.getString("error"), () -> what + ": " + body);
    assertEquals(400, body.getInteger("status"), () -> what + ": " + body);
    String message = body.getString("message", "");
    for (String s : mustSay) {
      assertTrue(message.contains(s), () -> what + ": the message does not say '" + s + "': " + body);
    }
    assertEquals(before, snapshot(), what + " changed the pool state");
  }

  // ---- the common check ----

  /**
   * Runs one bad command: it must exit with {@code exit}, print nothing on stdout, say every one of
   * {@code mustSay} on stderr, and change nothing in either pool.
   */
  private void refused(Cli cli, int exit, List<String> mustSay, String... args) {
    JsonObject before = snapshot();
    Result r = cli.run(args);
    assertEquals(exit, r.exit(), () -> "exit status: " + r.describe());
    assertEquals("", r.out(), () -> "a refusal prints nothing on stdout: " + r.describe());
    for (String s : mustSay) {
      assertTrue(r.err().contains(s), () -> "stderr does not say '" + s + "': " + r.describe());
    }
    assertEquals(before, snapshot(), () -> "pool state changed by " + String.join(" ", args));
    assertEquals(volumeListA, cli(1).ok("volume", "list").out(), "volume list on node1 after the refusal");
    assertEquals(peerStatusA, cli(1).ok("peer", "status").out(), "peer status on node1 after the refusal");
    if (String.join(" ", args).contains("probe")) {
      assertEquals(peerStatusB, cli(3).ok("peer", "status").out(), "peer status on node3 after the refusal");
    }
  }

  /** Every node's pool state as the API shows it: pool ID, generation, members and volumes. */
  private JsonObject snapshot() {
    JsonObject all = new JsonObject();
    for (int i = 1; i <= 4; i++) {
      JsonObject node = nodes.get(i, "/api/v1/node");
      JsonArray members = new JsonArray();
      nodes.get(i, "/api/v1/pool").getJsonArray("pool").forEach(m -> {
        JsonObject p = (JsonObject) m;
        members.add(new JsonObject().put("uuid", p.getString("uuid")).put("hostname", p.getString("hostname")));
      });
      all.put("node" + i, new JsonObject().put("poolId", node.getString("poolId"))
          .put("generation", node.getLong("generation")).put("members", members)
          .put("volumes", nodes.get(i, "/api/v1/volumes").getJsonArray("volumes")));
    }
    return all;
  }
}
