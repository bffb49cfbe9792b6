package dev.mortar.common.config;

import java.util.Locale;

/**
 * A numeric tuning knob of one service: a key in {@code mortar.properties}, the same as a {@code MORTAR_*}
 * environment variable, a default and one line of documentation. Read it with {@link #get()} where it is used; the
 * value is resolved once per process by {@link Tunables}. The groups ({@link Tunables#GROUPS}) list every knob, and
 * {@code docs/settings.md} documents them.
 *
 * @param key          the property key, e.g. {@code brick.workers}
 * @param defaultValue used when neither the file nor the environment sets it
 * @param min          the smallest value accepted (a larger one is always accepted)
 * @param description  what it changes, with its unit
 */
public record Tunable(String key, long defaultValue, long min, String description) {
  public Tunable {
    if (defaultValue < min) {
      throw new IllegalArgumentException(key + ": default " + defaultValue + " below its minimum " + min);
    }
  }

  /** A knob whose values start at 1 (counts, sizes, periods). */
  public static Tunable of(String key, long defaultValue, String description) {
    return new Tunable(key, defaultValue, 1, description);
  }

  /** Environment variable, e.g. {@code MORTAR_BRICK_WORKERS}. */
  public String env() {
    return "MORTAR_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public long get() {
    return Tunables.value(this);
  }

  public int getInt() {
    return Math.toIntExact(get());
  }
}
