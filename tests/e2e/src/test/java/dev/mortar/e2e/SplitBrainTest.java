package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network cuts that GlusterFS turns into split-brains and lost writes, replayed with three nodes in network
 * namespaces and a FUSE mount on each: the seed's split-brain (a writer on each side of a replica-2 cut), the same
 * with the policy none and a person resolving it, and a minority cut off from replica-3 and arbiter volumes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitBrainTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();
  private static final Duration MIN_CUT = Duration.ofSeconds(8);
  private static final List<String> VOLUMES = List.of("seed", "manual", "r3", "arb");

  private NetNs net;
  private final List<NodeProcess> nodes = new ArrayList<>();
  /** Per host: the shell that holds its mounts (they live in that shell's mount namespace). */
  private final Process[] hosts = new Process[4];
  private final List<Process> jobs = new ArrayList<>();
  private Path work;
  private Path logs;
  private final Map<String, List<Path>> bricks = new java.util.TreeMap<>();
  /** Hosts cut off now, with the time of the cut. */
  private final Map<Integer, Long> cut = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    FuseMount.requireFuse();
    net = NetNs.create(3);
    work = E2e.workDir("SplitBrainTest");
    logs = E2e.logDir("SplitBrainTest");
    nodes.addAll(net.startNodes(work, logs, LOGS));
    cli(1).ok("peer", "probe", net.ip(2));
    cli(1).ok("peer", "probe", net.ip(3));
    create("seed", "replica", "2", 1, 2);
    create("manual", "replica", "2", 1, 2);
    cli(1).ok("volume", "set", "manual", "cluster.favorite-child-policy", "none");
    create("r3", "replica", "3", 1, 2, 3);
    create("arb", "replica", "3", 1, 2, 3); // replica 3 arbiter 1: node3's brick holds no data
  }

  /**
   * Mounts {@code vols} on hosts 1 and 2 for one test (few mounts at a time: each is a cluster member that a healed
   * partition has to merge), after the pool is whole again from the test before.
   */
  private void mountOn12(String phase, String... vols) throws Exception {
    Eventually.await("every peer Connected and every brick online before " + phase, Duration.ofSeconds(120),
        () -> List.of(1, 2, 3).stream().allMatch(i -> CliText.peerStatus(cli(i).ok("peer", "status").out())
            .values().stream().allMatch(p -> p.state().endsWith("(Connected)")))
            && VOLUMES.stream().noneMatch(v -> cli(1).ok("volume", "status", v).out().contains(" N ")), ok -> ok);
    for (int i = 1; i <= 2; i++) {
      hosts[i] = mountAll(i, phase, List.of(vols));
    }
  }

  private void unmount(String phase) throws Exception {
    Files.writeString(work.resolve("STOP-" + phase), "stop");
    for (int i = 1; i <= 2; i++) {
      assertTrue(hosts[i].waitFor(60, TimeUnit.SECONDS), "host " + i + " unmounted");
    }
  }

  private void create(String vol, String replica, String n, int... on) {
    List<String> words = new ArrayList<>(List.of("volume", "create", vol, replica, n));
    if (vol.equals("arb")) {
      words.addAll(List.of("arbiter", "1"));
    }
    List<Path> dirs = new ArrayList<>();
    for (int i : on) {
      Path b = work.resolve("node" + i + "/" + vol);
      words.add(net.ip(i) + ":" + b);
      dirs.add(b);
    }
    cli(1).ok(words.toArray(String[]::new));
    cli(1).ok("volume", "start", vol);
    bricks.put(vol, dirs);
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (work != null) {
      Files.writeString(work.resolve("STOP"), "stop");
    }
    for (Process p : jobs) {
      p.destroy();
    }
    for (Process p : hosts) {
      if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    nodes.forEach(NodeProcess::kill);
    if (net != null) {
      net.close();
    }
  }

  /** Cuts host i off as the seed does; {@link #restoreAll} undoes it even when a test fails midway. */
  private void cut(int i) {
    cut.put(i, System.nanoTime());
    net.cut(i);
  }

  /**
   * Ends host i's cut, held for at least {@link #MIN_CUT}: these scenarios are about a real partition, and a cut that
   * ends just as Hazelcast's 5 s failure detector fires splits the cluster only after the network is back (one side's
   * late heartbeats are ignored as expired), so the pool would split and merge again a few seconds later.
   */
  private void restore(int i) throws InterruptedException {
    long heldMs = (System.nanoTime() - cut.get(i)) / 1_000_000;
    Thread.sleep(Math.max(0, MIN_CUT.toMillis() - heldMs));
    net.restore(i);
    cut.remove(i);
  }

  @org.junit.jupiter.api.AfterEach
  void restoreAll() {
    List.copyOf(cut.keySet()).forEach(net::restore);
    cut.clear();
  }

  private Cli cli(int i) {
    return new Cli(net.exec(i), net.ip(i));
  }

  private Path mnt(int host, String vol) {
    return work.resolve("mnt" + host).resolve(vol);
  }

  /** A shell on host i that mounts the volumes and waits for STOP-PHASE. */
  private Process mountAll(int i, String phase, List<String> vols) throws IOException {
    List<String> lines = new ArrayList<>(List.of("set -u"));
    for (String vol : vols) {
      Path m = mnt(i, vol);
      Files.createDirectories(m);
      lines.add(E2e.mortar() + " mount " + net.ip(i) + ":/" + vol + " " + m + " > " + logs.resolve("mount-" + i
          + "-" + vol + ".log") + " 2>&1 &");
      lines.add("for t in $(seq 1 240); do grep -q ' " + m + " ' /proc/mounts && break; sleep 0.25; done");
    }
    lines.add("touch " + work.resolve("MOUNTED" + i + phase));
    lines.add("while [ ! -e " + work.resolve("STOP-" + phase) + " ] && [ ! -e " + work.resolve("STOP")
        + " ]; do sleep 0.2; done");
    vols.forEach(vol -> lines.add("umount " + mnt(i, vol)));
    lines.add("wait");
    List<String> argv = new ArrayList<>(net.exec(i));
    argv.addAll(List.of("bash", "-c", String.join("\n", lines)));
    Files.createDirectories(logs);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(logs.resolve("host" + i + "-"
        + phase + ".log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    Eventually.await("host " + i + " mounted " + vols, Duration.ofSeconds(90),
        () -> Files.exists(work.resolve("MOUNTED" + i + phase)), ok -> ok);
    return p;
  }

  /** A command inside host i's namespaces, where its mounts are. */
  private List<String> onHost(int i, String command) {
    return List.of("nsenter", "-t", String.valueOf(hosts[i].pid()), "-m", "-n", "--", "bash", "-c", command);
  }

  private Cmd.Result sh(int i, String command) {
    return Cmd.run(Duration.ofSeconds(60), onHost(i, command).toArray(String[]::new));
  }

  /**
   * Appends "LABEL - time - n" to FILE every 0.2 s on host i until STOP-LABEL exists; acknowledged lines go to
   * LABEL.acked, failed ones with the time they took to LABEL.failed, every append's duration to LABEL.times.
   */
  private void appender(int i, String file, String label) throws IOException {
    String script = "n=0; while [ ! -e " + work.resolve("STOP-" + label) + " ]; do n=$((n+1)); "
        + "line=\"" + label + " - $(date +%T.%N) - $n\"; t0=$(date +%s%N); "
        + "if echo \"$line\" >> " + file + " 2>>" + work.resolve(label + ".err") + "; then echo \"$line\" >> "
        + work.resolve(label + ".acked") + "; else echo \"$line\" >> " + work.resolve(label + ".failed") + "; fi; "
        + "echo $(( ($(date +%s%N) - t0) / 1000000 )) >> " + work.resolve(label + ".times") + "; sleep 0.2; done";
    jobs.add(new ProcessBuilder(onHost(i, script)).redirectErrorStream(true)
        .redirectOutput(logs.resolve("job-" + label + ".log").toFile()).start());
  }

  /** Reads FILE every 0.5 s on host i until STOP-LABEL exists; failed reads go to LABEL.readfail. */
  private void reader(int i, String file, String label) throws IOException {
    String script = "while [ ! -e " + work.resolve("STOP-" + label) + " ]; do cat " + file + " > /dev/null 2>>"
        + work.resolve(label + ".readfail") + " || date >> " + work.resolve(label + ".readfail") + "; sleep 0.5; done";
    jobs.add(new ProcessBuilder(onHost(i, script)).redirectErrorStream(true)
        .redirectOutput(logs.resolve("job-" + label + ".log").toFile()).start());
  }

  private void stop(String... labels) throws Exception {
    for (String l : labels) {
      Files.writeString(work.resolve("STOP-" + l), "stop");
    }
    Thread.sleep(1_500); // the loops notice
  }

  private List<String> lines(String name) throws IOException {
    Path p = work.resolve(name);
    return Files.exists(p) ? Files.readAllLines(p) : List.of();
  }

  private void awaitHealed(String vol) {
    Eventually.await(vol + ": heal info shows 0 entries on every brick", Duration.ofSeconds(120),
        () -> cli(2).run("volume", "heal", vol, "info").out(),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == bricks.get(vol).size());
  }

  /**
   * For a failure message: when LABEL's slowest append started, and the warnings the mount of VOL on host i logged
   * from a second before it until it ended, which name the requests that waited.
   */
  private String slowestAppend(String label, int i, String vol) throws IOException {
    List<Long> times = lines(label + ".times").stream().map(Long::parseLong).toList();
    int n = times.indexOf(times.stream().max(Long::compare).orElseThrow()) + 1;
    List<String> all = new ArrayList<>(lines(label + ".acked"));
    all.addAll(lines(label + ".failed"));
    String started = all.stream().filter(l -> l.endsWith(" - " + n)).map(l -> l.split(" - ")[1]).findFirst()
        .orElse("?");
    if (started.length() < 12) {
      return "append " + n + " (start unknown)";
    }
    java.time.LocalTime from = java.time.LocalTime.parse(started).minusSeconds(1);
    java.time.LocalTime to = from.plusNanos((times.get(n - 1) + 1_500) * 1_000_000);
    Path log = logs.resolve("mount-" + i + "-" + vol + ".log");
    List<String> warned = Files.exists(log) ? Files.readAllLines(log).stream()
        .filter(l -> l.length() > 23 && l.contains(" WARNING ") && l.startsWith("20"))
        .filter(l -> {
          java.time.LocalTime t = java.time.LocalTime.parse(l.substring(11, 23));
          return !t.isBefore(from) && !t.isAfter(to);
        })
        .map(l -> l.substring(11, Math.min(l.length(), 220))).limit(15).toList() : List.of();
    return "append " + n + " started at " + started + "; the mount warned: " + warned;
  }

  /** Every line of a brick's copy of a file and of its conflict copies. */
  private Set<String> linesWithConflictCopies(Path brick, String name) throws IOException {
    Set<String> all = new HashSet<>();
    try (Stream<Path> s = Files.list(brick)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(name)).toList()) {
        all.addAll(Files.readAllLines(p));
      }
    }
    return all;
  }

  @Test
  @Order(1)
  void theSeedsSplitBrainEndsWithEveryAppendOfBothWritersAndNoError() throws Exception {
    mountOn12("seed", "seed");
    String f1 = mnt(1, "seed") + "/dates.txt";
    String f2 = mnt(2, "seed") + "/dates.txt";
    sh(1, "touch " + f1);
    appender(1, f1, "seed1");
    appender(2, f2, "seed2");
    reader(1, f1, "seedr1");
    reader(2, f2, "seedr2");
    Thread.sleep(2_000);
    cut(2);
    Eventually.await("node1 sees node2 Disconnected", Duration.ofSeconds(10),
        () -> cli(1).ok("peer", "status").out(), out -> CliText.peersAre(out, Map.of(net.ip(2), "Disconnected",
            net.ip(3), "Connected")));
    Thread.sleep(8_000); // both sides append
    restore(2);
    long restored = System.nanoTime();
    Thread.sleep(6_000); // and go on appending after the network is back
    awaitHealed("seed");
    stop("seed1", "seed2", "seedr1", "seedr2");
    E2e.measured("seed split-brain: network back -> healed and writers stopped",
        Duration.ofNanos(System.nanoTime() - restored));

    assertEquals(List.of(), lines("seed1.failed"), "no append of node1 failed: " + lines("seed1.err"));
    assertEquals(List.of(), lines("seed2.failed"), "no append of node2 failed: " + lines("seed2.err"));
    assertEquals(List.of(), lines("seedr1.readfail"), "no read on node1 failed");
    assertEquals(List.of(), lines("seedr2.readfail"), "no read on node2 failed");
    awaitHealed("seed");
    unmount("seed");
    BrickSnapshot.assertIdentical(bricks.get("seed"), "seed: the bricks differ after heal");
    Set<String> kept = linesWithConflictCopies(bricks.get("seed").get(0), "dates.txt");
    List<String> acked = new ArrayList<>(lines("seed1.acked"));
    acked.addAll(lines("seed2.acked"));
    List<String> lost = acked.stream().filter(l -> !kept.contains(l)).toList();
    assertEquals(List.of(), lost, "every acknowledged append is in dates.txt or a conflict copy");
    try (Stream<Path> s = Files.list(bricks.get("seed").get(0))) {
      E2e.note("seed split-brain: " + lines("seed1.acked").size() + " + " + lines("seed2.acked").size()
          + " appends acknowledged, all kept; files: " + s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList());
    }
  }

  @Test
  @Order(2)
  void withPolicyNoneASplitBrainFailsWithEioUntilEachManualCommandResolvesIt() throws Exception {
    mountOn12("manual", "manual");
    String m1 = mnt(1, "manual").toString();
    String m2 = mnt(2, "manual").toString();
    for (String f : List.of("big", "late", "src")) {
      assertEquals(0, sh(1, "echo base > " + m1 + "/" + f + ".txt").exit());
    }
    cut(2);
    Eventually.await("node1 sees node2 Disconnected", Duration.ofSeconds(10),
        () -> cli(1).ok("peer", "status").out(), out -> CliText.peersAre(out, Map.of(net.ip(2), "Disconnected",
            net.ip(3), "Connected")));
    for (String f : List.of("big", "late", "src")) { // writes on both sides of the cut; node2's are longer
      Cmd.Result a = sh(1, "echo from-node1 >> " + m1 + "/" + f + ".txt");
      assertEquals(0, a.exit(), a::describe);
    }
    Thread.sleep(1_100); // node2's versions are the later ones
    for (String f : List.of("big", "late", "src")) {
      Cmd.Result b = sh(2, "echo from-node2-longer >> " + m2 + "/" + f + ".txt");
      assertEquals(0, b.exit(), b::describe);
    }
    restore(2);
    Eventually.await("heal info split-brain lists the three files on both bricks", Duration.ofSeconds(60),
        () -> cli(1).run("volume", "heal", "manual", "info", "split-brain").out(),
        out -> out.split("Number of entries in split-brain: 3\n", -1).length - 1 == 2);
    Cmd.Result info = cli(1).ok("volume", "heal", "manual", "info");
    assertTrue(info.out().contains("/big.txt - Is in split-brain\n"), info::describe);

    Eventually.await("a read fails with EIO", Duration.ofSeconds(20), () -> sh(1, "cat " + m1 + "/big.txt"),
        r -> r.exit() != 0 && r.err().contains("Input/output error"));

    assertEquals("Healed /big.txt.\n", cli(1).ok("volume", "heal", "manual", "split-brain", "bigger-file",
        "/big.txt").out());
    assertEquals("Healed /late.txt.\n", cli(1).ok("volume", "heal", "manual", "split-brain", "latest-mtime",
        "/late.txt").out());
    String source = net.ip(1) + ":" + bricks.get("manual").get(0);
    assertEquals("Healed /src.txt.\n", cli(1).ok("volume", "heal", "manual", "split-brain", "source-brick", source,
        "/src.txt").out());

    Path b1 = bricks.get("manual").get(0);
    // (within the mounts' one-second attribute cache)
    Eventually.await("bigger-file: node2's version", Duration.ofSeconds(10), () -> sh(1, "cat " + m1 + "/big.txt")
        .out(), "base\nfrom-node2-longer\n"::equals);
    Eventually.await("latest-mtime: node2's version", Duration.ofSeconds(10), () -> sh(1, "cat " + m1
        + "/late.txt").out(), "base\nfrom-node2-longer\n"::equals);
    Eventually.await("source-brick node1: node1's version", Duration.ofSeconds(10), () -> sh(2, "cat " + m2
        + "/src.txt").out(), "base\nfrom-node1\n"::equals);
    for (String f : List.of("big", "late", "src")) {
      Set<String> kept = linesWithConflictCopies(b1, f + ".txt");
      assertTrue(kept.containsAll(List.of("base", "from-node1", "from-node2-longer")),
          f + ".txt: nothing is truncated, the other version is a conflict copy: " + kept);
    }
    awaitHealed("manual");
    unmount("manual");
    BrickSnapshot.assertIdentical(bricks.get("manual"), "manual: the bricks differ after the resolutions");
  }

  @Test
  @Order(3)
  void aMinorityCutOffFromReplica3AndArbiterVolumesFailsFastWhileTheMajorityWritesOn() throws Exception {
    mountOn12("quorum", "r3", "arb");
    for (String vol : List.of("r3", "arb")) {
      appender(1, mnt(1, vol) + "/minority.txt", vol + "-minority");
      appender(2, mnt(2, vol) + "/majority.txt", vol + "-majority");
    }
    Thread.sleep(2_000);
    cut(1);
    Thread.sleep(8_000);
    restore(1);
    long back = System.nanoTime();
    Thread.sleep(2_000);
    stop("r3-minority", "r3-majority", "arb-minority", "arb-majority");
    for (String vol : List.of("r3", "arb")) {
      awaitHealed(vol);
      E2e.measured(vol + ": node1 back -> heal info shows 0 entries", Duration.ofNanos(System.nanoTime() - back));
      assertEquals(List.of(), lines(vol + "-majority.failed"), vol + ": the majority's appends never fail");
      List<Long> times = lines(vol + "-majority.times").stream().map(Long::parseLong).toList();
      long longest = times.stream().mapToLong(Long::longValue).max().orElseThrow();
      E2e.measured(vol + ": longest append on the majority side while node1 was cut off",
          Duration.ofMillis(longest));
      assertTrue(longest < 3_500, vol + ": the majority stalls about 2 s at most, not " + longest + " ms; "
          + slowestAppend(vol + "-majority", 2, vol));
      List<String> failed = lines(vol + "-minority.failed");
      assertTrue(!failed.isEmpty(), vol + ": the minority's appends fail while it is cut off");
      assertTrue(String.join("\n", lines(vol + "-minority.err")).contains("Read-only file system"),
          vol + ": with EROFS: " + lines(vol + "-minority.err"));
      // Once the cut is noticed (a write or two wait for the 2 s ping timeout) the minority fails at once.
      List<Long> minorityTimes = lines(vol + "-minority.times").stream().map(Long::parseLong).toList();
      assertTrue(minorityTimes.stream().allMatch(t -> t < 5_000), vol + ": no write hangs: " + minorityTimes);
      assertTrue(minorityTimes.stream().filter(t -> t > 1_000).count() <= 2,
          vol + ": the minority's writes fail at once after the first: " + minorityTimes);
      String split = cli(2).ok("volume", "heal", vol, "info", "split-brain").out();
      assertTrue(!split.contains("split-brain: 1") && !split.matches("(?s).*split-brain: [1-9].*"), split);
      List<Path> dataBricks = vol.equals("arb") ? bricks.get(vol).subList(0, 2) : bricks.get(vol);
      BrickSnapshot.assertIdentical(dataBricks, vol + ": the data bricks differ after heal");
      List<String> onBrick = Files.readAllLines(bricks.get(vol).get(0).resolve("majority.txt"),
          StandardCharsets.UTF_8);
      assertEquals(lines(vol + "-majority.acked"), onBrick, vol + ": every acknowledged append of the majority");
      Set<String> minorityKept = new HashSet<>(Files.readAllLines(bricks.get(vol).get(1).resolve("minority.txt")));
      List<String> minorityLost = lines(vol + "-minority.acked").stream().filter(l -> !minorityKept.contains(l))
          .toList();
      assertEquals(List.of(), minorityLost, vol + ": every acknowledged append of the minority side too");
    }
    Path arbiter = bricks.get("arb").get(2).resolve("majority.txt");
    assertEquals(0, Files.size(arbiter), "the arbiter brick holds the name, not the data");
  }
}
