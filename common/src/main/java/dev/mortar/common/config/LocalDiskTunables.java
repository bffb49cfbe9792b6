package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of bricks stored on local disk (keys {@code brick.local.*}); see {@link Tunable}. */
public final class LocalDiskTunables {
  private LocalDiskTunables() {}

  public static final List<Tunable> ALL = List.of();
}
