package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's story, replayed: node1 and node2 in their own network namespaces, `peer probe`, `volume create
 * my-volume replica 2 transport tcp`, a mount on each node, `touch` on node1 seen on node2, a loop on node1 that
 * appends "hostname - date" every 0.2 s, node2 cut off with iptables, node1's `peer status` showing it
 * Disconnected, the cut removed, and heal until `heal info` is empty: both bricks then hold the same dates.txt with
 * every acknowledged append.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedOutageTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private NetNs net;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Process> hosts = new ArrayList<>();
  private Path work;
  private Path logs;

  @AfterAll
  void cleanUp() throws Exception {
    if (work != null) {
      Files.writeString(work.resolve("STOP"), "stop");
    }
    for (Process p : hosts) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    for (NodeProcess n : nodes) {
      n.kill();
    }
    if (net != null) {
      net.close();
    }
  }

  private Cli cli(int i) {
    return new Cli(net.exec(i), net.ip(i));
  }

  /** A shell on host i that mounts the volume there (mounts live in that shell's mount namespace) and runs a job. */
  private Process host(int i, String job) throws IOException {
    Path mnt = work.resolve("mnt" + i);
    Files.createDirectories(mnt);
    String script = String.join("\n",
        "set -u",
        E2e.mortar() + " mount " + net.ip(i) + ":/my-volume " + mnt + " &",
        "for t in $(seq 1 240); do grep -q ' " + mnt + " ' /proc/mounts && break; sleep 0.25; done",
        "grep -q ' " + mnt + " ' /proc/mounts || { echo 'mount failed'; exit 1; }",
        job,
        "umount " + mnt,
        "wait");
    List<String> argv = new ArrayList<>(net.exec(i));
    argv.addAll(List.of("bash", "-c", script));
    Path log = logs.resolve("host" + i + ".log");
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    hosts.add(p);
    return p;
  }

  @Test
  void theSeedsOutageEndsWithBothBricksHoldingEveryAppend() throws Exception {
    FuseMount.requireFuse();
    net = NetNs.create(2);
    work = E2e.workDir("SeedOutageTest");
    logs = E2e.logDir("SeedOutageTest");
    nodes.addAll(net.startNodes(work, logs, LOGS));
    assertEquals("peer probe: success\n", cli(1).ok("peer", "probe", net.ip(2)).out());
    Path brick1 = work.resolve("node1/gluster-test");
    Path brick2 = work.resolve("node2/gluster-test");
    cli(1).ok("volume", "create", "my-volume", "replica", "2", "transport", "tcp", net.ip(1) + ":" + brick1,
        net.ip(2) + ":" + brick2);
    cli(1).ok("volume", "start", "my-volume");

    Path stop = work.resolve("STOP");
    Path acked = work.resolve("acked.txt");
    Path failed = work.resolve("failed.txt");
    host(2, "for t in $(seq 1 120); do [ -e " + work.resolve("mnt2/test") + " ] && touch " + work.resolve("SEEN")
        + " && break; sleep 0.25; done; while [ ! -e " + stop + " ]; do sleep 0.2; done");
    String mnt1 = work.resolve("mnt1").toString();
    host(1, "touch " + mnt1 + "/test; i=0; while [ ! -e " + stop + " ]; do i=$((i+1)); "
        + "line=\"node1 - $(date +%T.%N) - $i\"; "
        + "if echo \"$line\" >> " + mnt1 + "/dates.txt; then echo \"$line\" >> " + acked + "; "
        + "else echo \"$line\" >> " + failed + "; fi; sleep 0.2; done");

    Eventually.await("node2's mount sees the file touched on node1", Duration.ofSeconds(60),
        () -> Files.exists(work.resolve("SEEN")), ok -> ok);
    assertTrue(Files.exists(brick1.resolve("test")) && Files.exists(brick2.resolve("test")), "in both bricks");
    Thread.sleep(2_000);

    long cut = System.nanoTime();
    net.cut(2);
    cli(1).awaitPeers(Map.of(net.ip(2), "Disconnected"), cut, Duration.ofSeconds(5));
    Thread.sleep(10_000); // appends go on during the outage
    net.restore(2);
    long restored = System.nanoTime();
    Eventually.await("heal info shows 0 entries on both bricks", restored, Duration.ofSeconds(90),
        () -> cli(1).run("volume", "heal", "my-volume", "info").out(),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == 2);
    E2e.measured("network back -> heal info shows 0 entries (GlusterFS: 35-65 s here)",
        Duration.ofNanos(System.nanoTime() - restored));

    Files.writeString(stop, "stop");
    for (Process p : hosts) {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the host scripts end");
    }
    assertTrue(!Files.exists(failed) || Files.readAllLines(failed).isEmpty(),
        "no append failed: " + (Files.exists(failed) ? Files.readAllLines(failed) : ""));
    List<String> ack = Files.readAllLines(acked);
    Eventually.await("both bricks' dates.txt identical", Duration.ofSeconds(30),
        () -> sha(brick1.resolve("dates.txt")).equals(sha(brick2.resolve("dates.txt"))), ok -> ok);
    List<String> onNode2 = Files.readAllLines(brick2.resolve("dates.txt"));
    assertEquals(ack, onNode2, "node2's brick holds every acknowledged append, in order");
    E2e.note("seed outage: " + ack.size() + " appends acknowledged, `wc -l` on node2's brick: " + onNode2.size());
  }

  private static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
