package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the heal service (keys {@code heal.*}); see {@link Tunable}. */
public final class HealTunables {
  private HealTunables() {}

  public static final List<Tunable> ALL = List.of();
}
