package dev.mortar.e2e;

import dev.mortar.e2e.Cmd.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hosts for a partition test: one network namespace per host on a bridge of their own, with names and a subnet
 * unique to this run ({@code mte2e<hex>...}, {@code 10.231.N.0/24}, N random from 100 to 249). Everything made here
 * is removed by {@link #close()}, which also runs at JVM exit should the test not get there.
 */
final class NetNs implements AutoCloseable {
  private static final String INSTALL = "apt-get install -y iptables iproute2";

  private final String tag;
  private final int subnet;
  private final int hosts;
  private final List<String> made = new ArrayList<>();
  private final Thread hook = new Thread(this::cleanUp, "e2e-netns-cleanup");
  private boolean closed;

  private NetNs(String tag, int subnet, int hosts) {
    this.tag = tag;
    this.subnet = subnet;
    this.hosts = hosts;
  }

  /**
   * Fails (never skips) when the machine cannot run the test, naming what to install or do.
   */
  static void requireTools() {
    String uid = Cmd.run(Duration.ofSeconds(10), "id", "-u").out().trim();
    if (!uid.equals("0")) {
      throw new AssertionError("the partition test makes network namespaces and iptables rules and must run as"
          + " root (uid is " + uid + "); run it as root, e.g. 'sudo mvn -o -pl tests/e2e test'");
    }
    for (String tool : List.of("ip", "iptables")) {
      if (which(tool) == null) {
        throw new AssertionError("'" + tool + "' is not installed; the partition test needs it: " + INSTALL);
      }
    }
  }

  private static String which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool).toString();
      }
    }
    return null;
  }

  /** Makes {@code hosts} namespaces on a new bridge; host {@code i} (from 1) has address 10.231.N.i. */
  static NetNs create(int hosts) {
    requireTools();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 10; attempt++) {
      String tag = "mte2e" + HexFormat.of().toHexDigits((short) rnd.nextInt(1 << 16));
      if (Cmd.run(Duration.ofSeconds(10), "ip", "link", "show", tag + "br").ok()
          || Cmd.run(Duration.ofSeconds(10), "ip", "netns", "list").out().contains(tag)) {
        continue; // taken by someone else's run
      }
      NetNs n = new NetNs(tag, 100 + rnd.nextInt(150), hosts);
      Runtime.getRuntime().addShutdownHook(n.hook);
      try {
        n.build();
      } catch (RuntimeException | Error e) {
        n.close();
        throw e;
      }
      return n;
    }
    throw new AssertionError("cannot find an unused name for the test's namespaces (mte2e*)");
  }

  private void build() {
    String br = tag + "br";
    Cmd.must("ip", "link", "add", br, "type", "bridge");
    made.add("link:" + br);
    Cmd.must("ip", "link", "set", br, "up");
    for (int i = 1; i <= hosts; i++) {
      String ns = ns(i);
      String veth = tag + "v" + i;
      Cmd.must("ip", "netns", "add", ns);
      made.add("netns:" + ns);
      Cmd.must("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      made.add("link:" + veth);
      Cmd.must("ip", "link", "set", veth, "master", br, "up");
      Cmd.must("ip", "netns", "exec", ns, "ip", "addr", "add", ip(i) + "/24", "dev", "eth0");
      Cmd.must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
      Cmd.must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      Result ipt = Cmd.run(Duration.ofSeconds(10), "ip", "netns", "exec", ns, "iptables", "-S");
      if (!ipt.ok()) {
        throw new AssertionError("iptables does not work inside a network namespace on this machine (" + INSTALL
            + "; the kernel needs netfilter): " + ipt.describe());
      }
    }
    E2e.note("namespaces " + tag + "n1.." + tag + "n" + hosts + " on bridge " + br + ", subnet 10.231." + subnet
        + ".0/24");
  }

  String ns(int i) {
    return tag + "n" + i;
  }

  String ip(int i) {
    return "10.231." + subnet + "." + i;
  }

  /** {@code ip netns exec NS}: put in front of a command to run it on host {@code i}. */
  List<String> exec(int i) {
    return List.of("ip", "netns", "exec", ns(i));
  }

  /** Cuts host {@code i} off the network (everything but its loopback), as the seed does with iptables. */
  /** Starts {@code mortar node} on every host (state under {@code work}, logs under {@code logDir}) and waits. */
  List<NodeProcess> startNodes(Path work, Path logDir, NodeLogs logs) {
    List<NodeProcess> started = new java.util.ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      NodeProcess n = new NodeProcess("node" + i, exec(i), ip(i), null, 24007, work.resolve("state/node" + i),
          logDir.resolve("node" + i + ".log"));
      logs.add(n);
      started.add(n);
      n.launch();
    }
    for (NodeProcess n : started) {
      n.awaitRunning();
    }
    return started;
  }

  void cut(int i) {
    Cmd.must("ip", "netns", "exec", ns(i), "iptables", "-I", "INPUT", "!", "-i", "lo", "-j", "REJECT");
    Cmd.must("ip", "netns", "exec", ns(i), "iptables", "-I", "OUTPUT", "!", "-o", "lo", "-j", "REJECT");
  }

  void restore(int i) {
    Cmd.must("ip", "netns", "exec", ns(i), "iptables", "-F");
  }

  /** Removes the namespaces, their veth pairs and the bridge. Kill the processes inside first. */
  @Override
  public synchronized void close() {
    cleanUp();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already exiting; the hook is running or ran
    }
  }

  private synchronized void cleanUp() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> reverse = new ArrayList<>(made);
    java.util.Collections.reverse(reverse);
    for (String thing : reverse) {
      String name = thing.substring(thing.indexOf(':') + 1);
      Result r = thing.startsWith("netns:")
          ? Cmd.run(Duration.ofSeconds(20), "ip", "netns", "del", name)
          : Cmd.run(Duration.ofSeconds(20), "ip", "link", "del", name);
      // A veth goes away with its namespace; only other failures are worth a line.
      if (!r.ok() && !r.err().contains("Cannot find device")) {
        System.err.println("[e2e] cleanup: " + r.describe());
      }
    }
    E2e.note("removed namespaces and bridge " + tag + "*");
  }
}
