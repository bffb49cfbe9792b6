package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the management service (keys {@code pool.*}); see {@link Tunable}. */
public final class PoolTunables {
  private PoolTunables() {}

  public static final Tunable CHANGE_LOCK_MS = Tunable.of("pool.change-lock-ms", 15_000,
      "how long a pool change (probe, detach, volume create...) waits for another node's change to finish");
  public static final Tunable COMMIT_MS = Tunable.of("pool.commit-ms", 5_000,
      "how long a pool change waits for each connected peer to fetch or commit the new pool definition");
  public static final Tunable JOIN_WAIT_MS = Tunable.of("pool.join-wait-ms", 30_000,
      "how long peer probe waits for the probed node's first heartbeat over the event bus");
  public static final Tunable PEER_HTTP_MS = Tunable.of("pool.peer-http-ms", 5_000,
      "connect and answer timeout of a node's HTTP requests to another node's admin API (peer probe)");

  public static final List<Tunable> ALL = List.of(CHANGE_LOCK_MS, COMMIT_MS, JOIN_WAIT_MS, PEER_HTTP_MS);
}
