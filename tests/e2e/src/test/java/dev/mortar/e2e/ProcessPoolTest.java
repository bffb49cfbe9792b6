package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.e2e.Cmd.Result;
import dev.mortar.e2e.Eventually.Timed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes as separate OS processes on 127.x.y.1-3, driven with the CLI as a user drives them: form a pool, make
 * a replica 3 volume, crash one node (SIGKILL), change the pool while it is down, bring it back and see it catch up.
 * The steps run in order on one pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("3 node processes: probe, volume, crash and catch-up")
class ProcessPoolTest {
  private static final Duration DISCONNECTED_LIMIT = Duration.ofSeconds(5);
  private static final Duration RECONNECTED_LIMIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  private String node3Uuid;

  @BeforeAll
  void startNodes() {
    nodes = LocalNodes.start("ProcessPoolTest", 3, LOGS);
  }

  @AfterAll
  void stopNodes() {
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

  @Test
  @Order(1)
  @DisplayName("peer probe of the two others from node1 succeeds")
  void probe() {
    for (int i = 2; i <= 3; i++) {
      Result r = cli(1).run("peer", "probe", h(i));
      assertEquals(0, r.exit(), r::describe);
      assertEquals("peer probe: success\n", r.out(), r::describe);
    }
  }

  @Test
  @Order(2)
  @DisplayName("peer status on every node lists the two others Connected; pool list agrees")
  void everyNodeSeesTheOthers() {
    for (int i = 1; i <= 3; i++) {
      int me = i;
      Map<String, String> others = List.of(1, 2, 3).stream().filter(j -> j != me)
          .collect(Collectors.toMap(this::h, j -> "Connected"));
      Timed<Result> seen = cli(me).awaitPeers(others, System.nanoTime(), Duration.ofSeconds(10));
      assertTrue(seen.value().out().startsWith("Number of Peers: 2\n"), seen.value()::describe);
    }
    // The same three UUIDs in every node's pool list, each node calling itself localhost.
    Set<String> uuids = Set.of(nodes.node(1).uuid(), nodes.node(2).uuid(), nodes.node(3).uuid());
    for (int i = 1; i <= 3; i++) {
      List<CliText.PoolMember> pool = CliText.poolList(cli(i).ok("pool", "list").out());
      assertEquals(uuids, pool.stream().map(CliText.PoolMember::uuid).collect(Collectors.toSet()), "node" + i);
      assertEquals(new CliText.PoolMember(nodes.node(i).uuid(), "localhost", "Connected"), pool.get(pool.size() - 1));
    }
  }

  @Test
  @Order(3)
  @DisplayName("volume create vol3 replica 3 with a brick on each node")
  void createReplica3() {
    Result r = cli(1).run("volume", "create", "vol3", "replica", "3", nodes.brick(1, "vol3"), nodes.brick(2, "vol3"),
        nodes.brick(3, "vol3"));
    assertEquals(0, r.exit(), r::describe);
    assertEquals("volume create: vol3: success: please start the volume to access data\n", r.out(), r::describe);
  }

  @Test
  @Order(4)
  @DisplayName("volume info vol3 is the same text on all three nodes")
  void infoIdenticalEverywhere() {
    String info1 = cli(1).ok("volume", "info", "vol3").out();
    for (String expected : List.of("Volume Name: vol3\n", "Type: Replicate\n", "Status: Created\n",
        "Number of Bricks: 1 x 3 = 3\n", "Transport-type: tcp\n",
        "Brick1: " + nodes.brick(1, "vol3") + "\n", "Brick2: " + nodes.brick(2, "vol3") + "\n",
        "Brick3: " + nodes.brick(3, "vol3") + "\n")) {
      assertTrue(info1.contains(expected), "node1's volume info lacks '" + expected.strip() + "':\n" + info1);
    }
    for (int i = 2; i <= 3; i++) {
      assertEquals(info1, cli(i).ok("volume", "info", "vol3").out(), "volume info vol3 on node" + i + " vs node1");
    }
  }

  @Test
  @Order(5)
  @DisplayName("node3 killed with SIGKILL shows Disconnected on node1 within 5 s")
  void killNode3() {
    NodeProcess n3 = nodes.node(3);
    node3Uuid = n3.uuid();
    // bin/mortar execs java: the process we hold must be the JVM itself, or the kill would only hit a shell.
    assertTrue(n3.command().endsWith("/java") || n3.command().equals("java"),
        "the node process is '" + n3.command() + "', not the JVM");
    long killedAt = System.nanoTime();
    n3.kill();
    assertFalse(n3.isAlive());
    Timed<Result> seen = cli(1).awaitPeers(Map.of(h(2), "Connected", h(3), "Disconnected"), killedAt,
        DISCONNECTED_LIMIT);
    E2e.measured("SIGKILLed node3 -> Disconnected in node1's peer status", seen.elapsed());
    assertEquals(node3Uuid, CliText.peerStatus(seen.value().out()).get(h(3)).uuid());
  }

  @Test
  @Order(6)
  @DisplayName("while node3 is down the majority creates a volume and sets an option")
  void changesWhileDown() {
    Result create = cli(1).run("volume", "create", "created-while-down", "replica", "2",
        nodes.brick(1, "cwd"), nodes.brick(2, "cwd"));
    assertEquals(0, create.exit(), create::describe);
    assertEquals("volume create: created-while-down: success: please start the volume to access data\n",
        create.out());
    Result set = cli(2).run("volume", "set", "vol3", "network.ping-timeout", "7");
    assertEquals(0, set.exit(), set::describe);
    assertEquals("volume set: success\n", set.out());
    String info = cli(1).ok("volume", "info").out();
    assertTrue(info.contains("Volume Name: created-while-down\n") && info.contains("network.ping-timeout: 7\n"),
        "node1 does not show the changes made while node3 is down:\n" + info);
  }

  @Test
  @Order(7)
  @DisplayName("node3 restarted on its state dir: Connected within 10 s, same pool, caught up")
  void restartNode3() {
    NodeProcess n3 = nodes.node(3);
    long startedAt = System.nanoTime();
    n3.launch();
    Duration up = n3.awaitRunning();
    long runningAt = System.nanoTime();
    E2e.measured("node3 restart -> 'running' line", up);
    assertEquals(node3Uuid, n3.uuid(), "node3 came back with another UUID: its state dir was not reused");

    Timed<Result> seen = cli(1).awaitPeers(Map.of(h(2), "Connected", h(3), "Connected"), startedAt,
        RECONNECTED_LIMIT);
    E2e.measured("node3 restart (process start) -> Connected in node1's peer status", seen.elapsed());

    // What node3 itself shows is timed from its 'running' line: before that it answers nothing, and its JVM's
    // start varies with the machine's load (6 s on a busy CI machine). The changes made while it was down reach it
    // from the others' heartbeats; checked before the slower pool comparisons (each CLI call starts a JVM too).
    Timed<Result> caughtUp = Eventually.await("node3's volume info shows created-while-down and the option",
        runningAt, RECONNECTED_LIMIT, () -> cli(3).ok("volume", "info"),
        r -> r.out().contains("Volume Name: created-while-down\n") && r.out().contains("network.ping-timeout: 7\n"));
    E2e.measured("node3 'running' -> node3's volume info caught up", caughtUp.elapsed());

    Timed<Result> own = cli(3).awaitPeers(Map.of(h(1), "Connected", h(2), "Connected"), runningAt,
        RECONNECTED_LIMIT);
    E2e.measured("node3 'running' -> node3 sees both peers Connected", own.elapsed());

    Set<CliText.PoolMember> pool1 = poolWithoutLocalhost(1);
    Set<CliText.PoolMember> pool3 = poolWithoutLocalhost(3);
    assertEquals(pool1, pool3, "pool list of node3 vs node1 (localhost replaced by the node's own address)");

    assertEquals(cli(1).ok("volume", "info").out(), caughtUp.value().out(), "volume info on node3 vs node1");
    assertEquals("vol3\ncreated-while-down\n", cli(3).ok("volume", "list").out());
  }

  /** {@code pool list} of node i as (uuid, hostname, state) with its own "localhost" line named by its address. */
  private Set<CliText.PoolMember> poolWithoutLocalhost(int i) {
    return CliText.poolList(cli(i).ok("pool", "list").out()).stream()
        .map(m -> m.hostname().equals("localhost") ? new CliText.PoolMember(m.uuid(), h(i), m.state()) : m)
        .collect(Collectors.toSet());
  }

  @Test
  @Order(8)
  @DisplayName("volume start, then volume status shows every brick online")
  void startAndStatus() {
    Result start = cli(3).run("volume", "start", "vol3");
    assertEquals(0, start.exit(), start::describe);
    assertEquals("volume start: vol3: success\n", start.out());
    Result start2 = cli(1).run("volume", "start", "created-while-down");
    assertEquals(0, start2.exit(), start2::describe);

    List<String> vol3Bricks = List.of(nodes.brick(1, "vol3"), nodes.brick(2, "vol3"), nodes.brick(3, "vol3"));
    Timed<Result> status = Eventually.await("volume status vol3 on node1 shows 3 bricks online",
        Duration.ofSeconds(10), () -> cli(1).ok("volume", "status", "vol3"),
        r -> CliText.volumeStatusBricks(r.out()).equals(vol3Bricks.stream()
            .map(b -> new CliText.BrickLine(b, "Y")).toList()));
    assertTrue(status.value().out().startsWith("Status of volume: vol3\n"), status.value()::describe);

    List<String> cwdBricks = List.of(nodes.brick(1, "cwd"), nodes.brick(2, "cwd"));
    Eventually.await("volume status created-while-down on node3 shows 2 bricks online", Duration.ofSeconds(10),
        () -> cli(3).ok("volume", "status", "created-while-down"),
        r -> CliText.volumeStatusBricks(r.out()).equals(cwdBricks.stream()
            .map(b -> new CliText.BrickLine(b, "Y")).toList()));
    String info = cli(2).ok("volume", "info", "vol3").out();
    assertTrue(info.contains("Status: Started\n"), info);
  }
}
