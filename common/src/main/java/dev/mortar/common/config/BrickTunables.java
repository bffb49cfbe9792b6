package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the brick service (keys {@code brick.*}); see {@link Tunable}. */
public final class BrickTunables {
  private BrickTunables() {}

  public static final Tunable WORKERS = Tunable.of("brick.workers", 8,
      "threads that serve one brick on local disk: enough to overlap many small requests on one disk");

  public static final List<Tunable> ALL = List.of(WORKERS);
}
