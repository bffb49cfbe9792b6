package dev.mortar.common.model;

import dev.mortar.common.api.MortarException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The volume options Mortar knows. Keys follow GlusterFS where they mean the same thing; defaults differ where
 * Mortar does better (a 2 s ping timeout instead of 42 s, a split-brain policy that keeps every version).
 */
public final class VolumeOptions {
  public static final String QUORUM_TYPE = "cluster.quorum-type";
  public static final String QUORUM_COUNT = "cluster.quorum-count";
  public static final String FAVORITE_CHILD_POLICY = "cluster.favorite-child-policy";
  public static final String SELF_HEAL_DAEMON = "cluster.self-heal-daemon";
  public static final String HEAL_TIMEOUT = "cluster.heal-timeout";
  public static final String SHD_MAX_THREADS = "cluster.shd-max-threads";
  public static final String PING_TIMEOUT = "network.ping-timeout";
  public static final String WRITE_BEHIND = "performance.write-behind";
  public static final String READ_AHEAD = "performance.read-ahead";
  public static final String MD_CACHE_TIMEOUT = "performance.md-cache-timeout";
  public static final String READ_ONLY = "features.read-only";
  public static final String AUTH_ALLOW = "auth.allow";

  private static final Map<String, VolumeOption> ALL = new LinkedHashMap<>();

  static {
    add(VolumeOption.choice(QUORUM_TYPE, v -> v.replica() >= 3 ? "auto" : "none",
        "writes need this many live bricks of a replica set: none, auto (a majority), fixed (quorum-count)",
        "none", "auto", "fixed"));
    add(VolumeOption.integer(QUORUM_COUNT, v -> "(null)", 1, 64,
        "live bricks a replica set needs for writes when quorum-type is fixed"));
    add(VolumeOption.choice(FAVORITE_CHILD_POLICY, v -> v.replica() - v.arbiter() == 2 ? "mtime" : "majority",
        "how a split-brain is resolved; the losing versions are kept as conflict copies (none: EIO until resolved)",
        "none", "size", "mtime", "ctime", "majority"));
    add(VolumeOption.bool(SELF_HEAL_DAEMON, "on", "heal files in the background when a brick comes back"));
    add(VolumeOption.integer(HEAL_TIMEOUT, v -> "60", 1, 86_400,
        "seconds before entries that could not be healed are retried (returning bricks retry them at once)"));
    add(VolumeOption.integer(SHD_MAX_THREADS, v -> "8", 1, 64, "files healed in parallel per brick"));
    add(VolumeOption.integer(PING_TIMEOUT, v -> "2", 1, 1_013,
        "seconds a client waits for a silent brick before writing on without it"));
    add(VolumeOption.bool(WRITE_BEHIND, "on",
        "acknowledge sequential writes at once and send them gathered (off: each write waits for the bricks)"));
    add(VolumeOption.bool(READ_AHEAD, "on", "read ahead of sequential readers in the client"));
    add(VolumeOption.integer(MD_CACHE_TIMEOUT, v -> "1", 0, 60,
        "seconds a client may cache attributes and entries (changes elsewhere invalidate sooner)"));
    add(VolumeOption.bool(READ_ONLY, "off", "refuse every change through mounts"));
    add(VolumeOption.addresses(AUTH_ALLOW, "*",
        "addresses allowed to mount the volume, comma separated: 192.168.1.*, 10.0.0.0/8 or *"));
  }

  private VolumeOptions() {}

  private static void add(VolumeOption o) {
    ALL.put(o.key(), o);
  }

  public static Map<String, VolumeOption> all() {
    return java.util.Collections.unmodifiableMap(ALL);
  }

  public static Optional<VolumeOption> find(String key) {
    return Optional.ofNullable(ALL.get(key));
  }

  /** The option for a key given by a person, or a 404 that says how to list the keys. */
  public static VolumeOption require(String key) {
    return find(key).orElseThrow(() -> MortarException.notFound(
        "option " + key + " does not exist; 'volume get VOLNAME all' lists the options"));
  }

  /** The effective value of an option on a volume: the value set, else the default. */
  public static String effective(Volume v, String key) {
    String set = v.options().get(key);
    return set != null ? set : require(key).defaultValue().apply(v);
  }
}
