package dev.mortar.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Every {@link Tunable} of every service, and their values in this process: the default, then the properties file
 * ({@link Setting#CONFIG}), then the environment. A node loads them with its {@link NodeConfig}; any other process
 * (a mount, a benchmark) loads them from its environment and the default file at first use. A value that is not a
 * number, or is below the knob's minimum, stops the process with the key named.
 */
public final class Tunables {
  /** The knobs, grouped by service (the settings of HDFS's and BookKeeper's configuration classes). */
  public static final List<List<Tunable>> GROUPS = List.of(BrickTunables.ALL, LocalDiskTunables.ALL, S3Tunables.ALL, ClientTunables.ALL,
      HealTunables.ALL, PoolTunables.ALL);

  private static volatile Map<Tunable, Long> values;

  private Tunables() {}

  public static List<Tunable> all() {
    return GROUPS.stream().flatMap(List::stream).toList();
  }

  /** The knob of a key, or null. */
  public static Tunable byKey(String key) {
    return all().stream().filter(t -> t.key().equals(key)).findFirst().orElse(null);
  }

  /**
   * Resolves every knob from {@code file} (keys of the properties file that are knobs; others are left to the
   * caller) and {@code env}.
   */
  public static void load(Map<String, String> env, Properties file) {
    Map<Tunable, Long> v = new HashMap<>();
    for (Tunable t : all()) {
      String raw = env.getOrDefault(t.env(), file.getProperty(t.key()));
      v.put(t, raw == null ? t.defaultValue() : parse(t, raw.trim(),
          env.containsKey(t.env()) ? t.env() : t.key()));
    }
    values = Map.copyOf(v);
  }

  /** The environment and the default properties file, where it can be read. */
  static void loadDefaults() {
    Properties p = new Properties();
    Path file = Path.of(System.getenv().getOrDefault(Setting.CONFIG.env(), Setting.CONFIG.defaultValue));
    if (Files.isReadable(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    load(System.getenv(), p);
  }

  static long value(Tunable t) {
    Map<Tunable, Long> v = values;
    if (v == null) {
      synchronized (Tunables.class) {
        if (values == null) {
          loadDefaults();
        }
        v = values;
      }
    }
    Long x = v.get(t);
    if (x == null) {
      throw new IllegalStateException(t.key() + " is not in Tunables.GROUPS");
    }
    return x;
  }

  private static long parse(Tunable t, String raw, String where) {
    long x;
    try {
      x = Long.parseLong(raw.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + " must be a whole number, not '" + raw + "' (" + t.description()
          + ")");
    }
    if (x < t.min()) {
      throw new IllegalArgumentException(where + " must be at least " + t.min() + ", not " + x + " ("
          + t.description() + ")");
    }
    return x;
  }

  /** Every key, for a check that none is listed twice. */
  static Stream<String> keys() {
    return all().stream().map(Tunable::key);
  }
}
