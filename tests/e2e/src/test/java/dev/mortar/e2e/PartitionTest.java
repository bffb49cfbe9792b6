package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.e2e.Cmd.Result;
import dev.mortar.e2e.Eventually.Timed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
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
 * Three nodes, each in its own network namespace (its own host, as far as the network goes), and node2 cut off with
 * iptables as in the seed: both sides see the cut within 5 s, only the majority may change the pool, and after the
 * cut is removed (held long enough for Hazelcast to drop node2) both sides are Connected within 10 s and requests
 * work both ways. Needs root, ip and iptables; fails, never skips, without them. The steps run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("network partition: node2 cut off with iptables and healed")
class PartitionTest {
  private static final Duration DISCONNECTED_LIMIT = Duration.ofSeconds(5);
  private static final Duration RECONNECTED_LIMIT = Duration.ofSeconds(10);
  /** Longer than Hazelcast's max.no.heartbeat (5 s): node2 is dropped from the cluster and must merge back. */
  private static final Duration CUT_FOR = Duration.ofSeconds(12);

  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private NetNs net;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private Path work;
  private long cutAt;

  @BeforeAll
  void hosts() {
    net = NetNs.create(3);
    work = E2e.workDir("PartitionTest");
    Path logs = E2e.logDir("PartitionTest");
    nodes.addAll(net.startNodes(work, logs, LOGS));
    E2e.note("3 nodes running in namespaces; logs in " + logs);
  }

  @AfterAll
  void cleanUp() {
    try {
      for (NodeProcess n : nodes) {
        try {
          n.kill();
        } catch (RuntimeException | Error e) {
          System.err.println("[e2e] cannot kill " + n + ": " + e);
        }
      }
    } finally {
      if (net != null) {
        net.close();
      }
    }
  }

  /** The CLI on host i, asking its own node. */
  private Cli cli(int i) {
    return new Cli(net.exec(i), net.ip(i));
  }

  private String ip(int i) {
    return net.ip(i);
  }

  private String brick(int i, String name) {
    return ip(i) + ":" + work.resolve("bricks/node" + i + "/" + name);
  }

  private Timed<Result> awaitPeers(int i, Map<String, String> expected, long since, Duration limit) {
    return cli(i).awaitPeers(expected, since, limit);
  }

  @Test
  @Order(1)
  @DisplayName("probe: all three Connected")
  void probe() {
    for (int i = 2; i <= 3; i++) {
      Result r = cli(1).run("peer", "probe", ip(i));
      assertEquals(0, r.exit(), r::describe);
      assertEquals("peer probe: success\n", r.out());
    }
    long t0 = System.nanoTime();
    awaitPeers(1, Map.of(ip(2), "Connected", ip(3), "Connected"), t0, RECONNECTED_LIMIT);
    awaitPeers(2, Map.of(ip(1), "Connected", ip(3), "Connected"), t0, RECONNECTED_LIMIT);
    awaitPeers(3, Map.of(ip(1), "Connected", ip(2), "Connected"), t0, RECONNECTED_LIMIT);
  }

  @Test
  @Order(2)
  @DisplayName("cut node2: node1 sees it Disconnected and node2 sees both others Disconnected within 5 s")
  void cut() {
    cutAt = System.nanoTime();
    net.cut(2);
    List<Timed<Result>> seen = concurrently(
        () -> awaitPeers(1, Map.of(ip(2), "Disconnected", ip(3), "Connected"), cutAt, DISCONNECTED_LIMIT),
        () -> awaitPeers(2, Map.of(ip(1), "Disconnected", ip(3), "Disconnected"), cutAt, DISCONNECTED_LIMIT));
    E2e.measured("cut -> node2 Disconnected in node1's peer status", seen.get(0).elapsed());
    E2e.measured("cut -> node1 and node3 Disconnected in node2's peer status", seen.get(1).elapsed());
  }

  @Test
  @Order(3)
  @DisplayName("during the cut: the majority side changes the pool, the cut-off node refuses to")
  void duringCut() {
    Result majority = cli(1).run("volume", "create", "during-cut", "replica", "2", brick(1, "during-cut"),
        brick(3, "during-cut"));
    assertEquals(0, majority.exit(), majority::describe);
    assertEquals("volume create: during-cut: success: please start the volume to access data\n", majority.out());

    Result minority = cli(2).run("volume", "create", "lonely", brick(2, "lonely"));
    assertEquals(1, minority.exit(), minority::describe);
    assertTrue(minority.err().contains("volume create: lonely: failed:") && minority.err().contains("majority"),
        "node2 alone should refuse a change for want of a majority: " + minority.describe());
    E2e.note("node2, cut off, refused 'volume create' after " + minority.millis() + " ms: " + minority.err().strip());
    assertEquals("during-cut\n", cli(1).ok("volume", "list").out());
    Result list2 = cli(2).run("volume", "list");
    assertEquals(0, list2.exit(), list2::describe);
    assertEquals("", list2.out(), "node2, cut off, has no volumes: " + list2.describe());
  }

  @Test
  @Order(4)
  @DisplayName("restore after 12 s: both sides Connected within 10 s, node2 catches up")
  void restore() throws InterruptedException {
    long remaining = CUT_FOR.toMillis() - (System.nanoTime() - cutAt) / 1_000_000;
    if (remaining > 0) {
      Thread.sleep(remaining); // the one deliberate wait: hold the cut past Hazelcast's 5 s failure detection
    }
    E2e.measured("cut held for", Duration.ofNanos(System.nanoTime() - cutAt));
    long restoredAt = System.nanoTime();
    net.restore(2);
    List<Timed<Result>> seen = concurrently(
        () -> awaitPeers(1, Map.of(ip(2), "Connected", ip(3), "Connected"), restoredAt, RECONNECTED_LIMIT),
        () -> awaitPeers(2, Map.of(ip(1), "Connected", ip(3), "Connected"), restoredAt, RECONNECTED_LIMIT));
    E2e.measured("restore -> node2 Connected in node1's peer status", seen.get(0).elapsed());
    E2e.measured("restore -> node1 and node3 Connected in node2's peer status", seen.get(1).elapsed());
    Timed<Result> caughtUp = cli(2).awaitVolumes(List.of("during-cut"), restoredAt, RECONNECTED_LIMIT);
    E2e.measured("restore -> node2 caught up with the change made during the cut", caughtUp.elapsed());
  }

  @Test
  @Order(5)
  @DisplayName("after the heal, requests work both ways: a change made on node2 and one made on node1")
  void requestsBothWays() {
    // node2 -> node1: the create checks node1's brick and commits to node1 over the event bus.
    Result create = cli(2).run("volume", "create", "healed", "replica", "2", brick(1, "healed"), brick(2, "healed"));
    assertEquals(0, create.exit(), create::describe);
    assertEquals("volume create: healed: success: please start the volume to access data\n", create.out());
    String info1 = cli(1).ok("volume", "info", "healed").out();
    assertTrue(info1.contains("Volume Name: healed\n") && info1.contains("Brick2: " + brick(2, "healed") + "\n"),
        "node1 does not show the volume node2 made:\n" + info1);

    // node1 -> node2: the option set on node1 is committed to node2.
    Result set = cli(1).run("volume", "set", "healed", "network.ping-timeout", "9");
    assertEquals(0, set.exit(), set::describe);
    assertEquals("volume set: success\n", set.out());
    String info2 = cli(2).ok("volume", "info", "healed").out();
    assertTrue(info2.contains("Options Reconfigured:\nnetwork.ping-timeout: 9\n"),
        "node2 does not show the option set on node1:\n" + info2);
    assertEquals(info2, cli(3).ok("volume", "info", "healed").out(), "volume info healed on node3 vs node2");
  }

  /** Runs the waits at the same time (each measures its own side) and returns their results in order. */
  @SafeVarargs
  private static <T> List<T> concurrently(Supplier<T>... waits) {
    List<CompletableFuture<T>> running = new ArrayList<>();
    for (Supplier<T> w : waits) {
      running.add(CompletableFuture.supplyAsync(w, r -> new Thread(r, "e2e-wait").start()));
    }
    List<T> out = new ArrayList<>();
    AssertionError failed = null;
    for (CompletableFuture<T> f : running) {
      try {
        out.add(f.join());
      } catch (CompletionException e) {
        AssertionError a = e.getCause() instanceof AssertionError ae ? ae : new AssertionError(e.getCause());
        if (failed == null) {
          failed = a;
        } else {
          failed.addSuppressed(a);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
    return out;
  }
}
