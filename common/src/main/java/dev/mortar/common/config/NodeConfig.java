package dev.mortar.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/** The resolved settings of one node: defaults, then the properties file, then MORTAR_* variables, then flags. */
public final class NodeConfig {
  private final Map<Setting, String> values;

  private NodeConfig(Map<Setting, String> values) {
    this.values = values;
  }

  /**
   * @param env   the process environment (a parameter so tests can pass their own)
   * @param flags values given on the command line
   */
  public static NodeConfig load(Map<String, String> env, Map<Setting, String> flags) {
    Map<Setting, String> v = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      v.put(s, s.defaultValue);
    }
    String file = flags.getOrDefault(Setting.CONFIG, env.getOrDefault(Setting.CONFIG.env(), Setting.CONFIG.defaultValue));
    v.put(Setting.CONFIG, file);
    Path path = Path.of(file);
    Properties props = new Properties();
    if (Files.isRegularFile(path)) {
      Properties p = props;
      try (InputStream in = Files.newInputStream(path)) {
        p.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
      }
      for (String name : p.stringPropertyNames()) {
        Setting s = byKey(name);
        if (s == null && Tunables.byKey(name) != null) {
          continue; // a tuning knob: resolved by Tunables below
        }
        if (s == null) {
          throw new IllegalArgumentException(path + ": unknown setting '" + name + "'; see 'mortar node --help' and docs/settings.md");
        }
        v.put(s, p.getProperty(name).trim());
      }
    } else if (flags.containsKey(Setting.CONFIG) || env.containsKey(Setting.CONFIG.env())) {
      throw new IllegalArgumentException("configuration file " + path + " does not exist");
    }
    for (Setting s : Setting.values()) {
      if (env.containsKey(s.env())) {
        v.put(s, env.get(s.env()).trim());
      }
    }
    v.putAll(flags);
    Tunables.load(env, props);
    NodeConfig c = new NodeConfig(v);
    c.validate();
    return c;
  }

  private static Setting byKey(String key) {
    for (Setting s : Setting.values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }

  private void validate() {
    for (Setting s : new Setting[] {Setting.ADMIN_PORT, Setting.CLUSTER_PORT, Setting.EVENTBUS_PORT}) {
      int p = port(s);
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException(s.flag() + " must be a port between 1 and 65535, not " + get(s));
      }
    }
  }

  public String get(Setting s) {
    return values.get(s);
  }

  public Map<Setting, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  private int port(Setting s) {
    try {
      return Integer.parseInt(get(s));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(s.flag() + " must be a port number, not '" + get(s) + "'");
    }
  }

  /** The host this node is known by; when not set, the first non-loopback IPv4 address of the machine. */
  public String host() {
    String h = get(Setting.HOST);
    return h.isEmpty() ? firstSiteAddress() : h;
  }

  public Path stateDir() {
    return Path.of(get(Setting.STATE_DIR));
  }

  public String adminBind() {
    return get(Setting.ADMIN_BIND);
  }

  public int adminPort() {
    return port(Setting.ADMIN_PORT);
  }

  public int clusterPort() {
    return port(Setting.CLUSTER_PORT);
  }

  public int eventBusPort() {
    return port(Setting.EVENTBUS_PORT);
  }

  public String logLevel() {
    return get(Setting.LOG_LEVEL);
  }

  private static String firstSiteAddress() {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback: a node alone on a machine still works
    }
    return "127.0.0.1";
  }
}
