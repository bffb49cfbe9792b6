package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the heal service (keys {@code heal.*}); see {@link Tunable}. */
public final class HealTunables {
  private HealTunables() {}

  public static final Tunable SWEEP_MS = Tunable.of("heal.sweep-ms", 2_000,
      "ms between sweeps of the heal index of this node's bricks, the safety net beside the heal events");
  public static final Tunable TORN_GRACE_MS = Tunable.of("heal.torn-grace-ms", 5_000,
      "ms a file with nothing but dirty marks is left to whoever is filling it before the healer heals it");
  public static final Tunable MAX_PARALLEL = Tunable.of("heal.max-parallel", 64,
      "threads that heal files on one node: the upper bound of a volume's cluster.shd-max-threads");
  public static final Tunable LOCK_LEASE_MS = Tunable.of("heal.lock-lease-ms", 30_000,
      "lease, in ms, of the write lock a heal takes on a file: how long a healer that dies holds writers up");
  public static final Tunable LOCK_WAIT_MS = Tunable.of("heal.lock-wait-ms", 5_000,
      "ms a heal waits for a file's write lock on one brick while a writer holds it, before it tries later");
  public static final Tunable ENTRIES_IN_FLIGHT = Tunable.of("heal.entries-in-flight", 32,
      "requests entry heal keeps in flight when it makes many entries in one directory");

  public static final List<Tunable> ALL = List.of(SWEEP_MS, TORN_GRACE_MS, MAX_PARALLEL, LOCK_LEASE_MS, LOCK_WAIT_MS,
      ENTRIES_IN_FLIGHT);
}
