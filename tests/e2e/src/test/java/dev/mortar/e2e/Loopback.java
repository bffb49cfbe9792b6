package dev.mortar.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses and ports for several nodes on one machine: {@code PREFIX.1}, {@code PREFIX.2}, ... (any 127.x.y.z is
 * this machine on Linux), all with the same admin, cluster and event-bus ports. Picks the first candidate whose ports
 * are free on every address, so a developer's own nodes on 127.0.0.1-3 are left alone. Override with
 * {@code -Dmortar.e2e.loopback=127.0.5} and {@code -Dmortar.e2e.adminPort=24007}.
 */
record Loopback(String prefix, int adminPort) {
  private static final List<String> PREFIXES = List.of("127.0.0", "127.0.1", "127.0.2", "127.0.3", "127.0.4");
  private static final List<Integer> PORTS = List.of(24007, 25007, 26007);

  String host(int i) {
    return prefix + "." + i;
  }

  /** What {@code --remote-host} needs to reach node {@code i}. */
  String remote(int i) {
    return adminPort == 24007 ? host(i) : host(i) + ":" + adminPort;
  }

  static Loopback pick(int nodes) {
    String forcedPrefix = System.getProperty("mortar.e2e.loopback");
    String forcedPort = System.getProperty("mortar.e2e.adminPort");
    List<String> prefixes = forcedPrefix == null || forcedPrefix.isBlank() ? PREFIXES : List.of(forcedPrefix);
    List<Integer> ports = forcedPort == null || forcedPort.isBlank() ? PORTS
        : List.of(Integer.parseInt(forcedPort));
    List<String> taken = new ArrayList<>();
    for (int port : ports) {
      for (String prefix : prefixes) {
        Loopback candidate = new Loopback(prefix, port);
        String busy = candidate.firstBusy(nodes);
        if (busy == null) {
          if (!prefix.equals("127.0.0") || port != 24007) {
            E2e.note("default loopback addresses/ports are busy (" + String.join(", ", taken) + "); using "
                + prefix + ".1-" + nodes + " with admin port " + port);
          }
          return candidate;
        }
        taken.add(busy);
      }
    }
    throw new AssertionError("no free loopback addresses/ports for " + nodes + " nodes; busy: " + taken
        + ". Stop other mortar nodes or pass -Dmortar.e2e.loopback=127.0.N -Dmortar.e2e.adminPort=P");
  }

  /** The first address:port a node would need that cannot be bound now, or null. */
  String firstBusy(int nodes) {
    for (int i = 1; i <= nodes; i++) {
      for (int p = adminPort; p <= adminPort + 2; p++) {
        if (!free(host(i), p)) {
          return host(i) + ":" + p;
        }
      }
    }
    return null;
  }

  static boolean free(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
