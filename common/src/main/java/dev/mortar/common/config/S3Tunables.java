package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of bricks stored in an object store (keys {@code brick.s3.*}); see {@link Tunable}. */
public final class S3Tunables {
  private S3Tunables() {}

  public static final List<Tunable> ALL = List.of();
}
