package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Name changes made while a node is down, healed: a file created, one deleted, one renamed, a directory renamed and
 * a directory tree removed. Before heal a fresh mount through the returned node reads the good copy, never its own
 * stale brick; after {@code volume heal} both bricks are identical; {@code volume heal VOL full} refills files
 * removed from a brick behind Mortar's back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageHealTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  private final List<FuseMount> mounts = new ArrayList<>();

  @AfterAll
  void stop() {
    mounts.forEach(FuseMount::close);
    if (nodes != null) {
      nodes.close();
    }
  }

  private FuseMount mount(int node, String name) {
    FuseMount m = FuseMount.mount(nodes.host(node) + ":/vol", nodes.work.resolve("mnt").resolve(name),
        E2e.logDir("OutageHealTest").resolve("mount-" + name + ".log"));
    mounts.add(m);
    return m;
  }

  private void cli(int node, String... words) {
    Cmd.Result r = nodes.cli(node).run(words);
    assertEquals(0, r.exit(), r::describe);
  }

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private static void removeTree(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private Duration awaitHealInfoEmpty(String why) {
    long t0 = System.nanoTime();
    Eventually.await("heal info shows 0 entries on both bricks (" + why + ")", t0, Duration.ofSeconds(60),
        () -> nodes.cli(1).run("volume", "heal", "vol", "info").out(),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == 2);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void nameChangesDuringAnOutageHealAndStaleCopiesAreNeverRead() throws Exception {
    FuseMount.requireFuse();
    nodes = LocalNodes.start("OutageHealTest", 2, LOGS);
    cli(1, "peer", "probe", nodes.host(2));
    // node2's brick first: the one every client reads first while all is well (on one machine all are local).
    cli(1, "volume", "create", "vol", "replica", "2", nodes.brick(2, "vol"), nodes.brick(1, "vol"));
    cli(1, "volume", "start", "vol");
    List<Path> bricks = List.of(2, 1).stream().map(i -> nodes.brick(i, "vol"))
        .map(b -> Path.of(b.substring(b.indexOf(":/") + 1))).toList();
    Path stale = bricks.get(0);
    Path a = mount(1, "a").dir;

    write(a.resolve("keep.txt"), "line 1\n");
    write(a.resolve("doomed.txt"), "delete me\n");
    write(a.resolve("old-name.txt"), "renamed while node2 was down\n");
    write(a.resolve("dir-old/inside.txt"), "in a renamed directory\n");
    for (int i = 0; i < 5; i++) {
      write(a.resolve("tree/a/b/file" + i), "tree " + i + "\n");
    }
    // Keep the healer out of the way until the stale reads are checked.
    cli(1, "volume", "set", "vol", "cluster.self-heal-daemon", "off");

    nodes.node(2).kill();
    Files.writeString(a.resolve("keep.txt"), "line 2\n", StandardOpenOption.APPEND);
    write(a.resolve("new.txt"), "created while node2 was down\n");
    write(a.resolve("new-dir/deeper/f.txt"), "a new tree\n");
    Files.delete(a.resolve("doomed.txt"));
    Files.move(a.resolve("old-name.txt"), a.resolve("new-name.txt"));
    Files.move(a.resolve("dir-old"), a.resolve("dir-new"));
    removeTree(a.resolve("tree"));

    nodes.node(2).launch().awaitRunning();
    Eventually.await("node2's brick online", Duration.ofSeconds(30),
        () -> nodes.cli(1).run("volume", "status", "vol").out(), out -> !out.contains(" N "));
    // A client that starts now prefers node2's copy, which is stale: it must read node1's.
    Path b = mount(2, "b").dir;
    assertEquals("line 1\nline 2\n", Files.readString(b.resolve("keep.txt")), "the appended line is read");
    assertEquals("created while node2 was down\n", Files.readString(b.resolve("new.txt")));
    assertFalse(Files.exists(b.resolve("doomed.txt")), "a file deleted during the outage is not seen");
    assertTrue(Files.exists(b.resolve("new-name.txt")) && !Files.exists(b.resolve("old-name.txt")));
    assertFalse(Files.exists(b.resolve("tree")), "a removed tree is not seen");
    assertEquals("line 1\n", Files.readString(stale.resolve("keep.txt")), "node2's brick is still stale here");
    assertTrue(Files.exists(stale.resolve("doomed.txt")));

    Cmd.Result info = nodes.cli(1).run("volume", "heal", "vol", "info");
    assertTrue(info.out().contains("Brick " + nodes.brick(1, "vol") + "\n/"), info::describe);
    cli(1, "volume", "set", "vol", "cluster.self-heal-daemon", "on");
    Cmd.Result heal = nodes.cli(2).run("volume", "heal", "vol");
    assertEquals("Launching heal operation to perform index self heal on volume vol has been successful \n"
        + "Use heal info commands to check status.\n", heal.out(), heal::describe);
    E2e.measured("volume heal -> heal info shows 0 entries", awaitHealInfoEmpty("index heal"));
    BrickSnapshot.assertIdentical(bricks, "bricks differ after heal");
    assertFalse(Files.exists(stale.resolve("doomed.txt")), "the deleted file does not come back");
    assertFalse(Files.exists(stale.resolve("tree")), "the removed tree is gone from node2's brick");
    assertEquals("a new tree\n", Files.readString(stale.resolve("new-dir/deeper/f.txt")));
    assertEquals("in a renamed directory\n", Files.readString(stale.resolve("dir-new/inside.txt")));

    Cmd.Result status = nodes.cli(1).run("volume", "status", "vol");
    assertTrue(status.out().contains("Self-heal Daemon on localhost ") && status.out().contains(
        "Self-heal Daemon on " + nodes.host(2) + " "), status::describe);

    // node2's disk loses files behind Mortar's back (a replaced disk): no record says so; a full heal finds it.
    Files.delete(stale.resolve("keep.txt"));
    removeTree(stale.resolve("dir-new"));
    Cmd.Result full = nodes.cli(1).run("volume", "heal", "vol", "full");
    assertEquals(0, full.exit(), full::describe);
    long t0 = System.nanoTime();
    Eventually.await("the full heal refills node2's brick", t0, Duration.ofSeconds(60),
        () -> Files.exists(stale.resolve("dir-new/inside.txt")) && Files.exists(stale.resolve("keep.txt")),
        ok -> ok);
    awaitHealInfoEmpty("full heal");
    E2e.measured("volume heal full -> wiped files back", Duration.ofNanos(System.nanoTime() - t0));
    BrickSnapshot.assertIdentical(bricks, "bricks differ after the full heal");
  }
}
