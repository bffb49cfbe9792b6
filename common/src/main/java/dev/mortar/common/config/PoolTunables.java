package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the pool service (keys {@code pool.*}); see {@link Tunable}. */
public final class PoolTunables {
  private PoolTunables() {}

  public static final List<Tunable> ALL = List.of();
}
