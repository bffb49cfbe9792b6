package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of bricks stored on local disk (keys {@code brick.local.*}); see {@link Tunable}. */
public final class LocalDiskTunables {
  private LocalDiskTunables() {}

  public static final Tunable RELOCATE_AGAIN_SECONDS = Tunable.of("brick.local.relocate-again-seconds", 60,
      "seconds before a brick walks its directory again for heal-index entries whose files a walk could not find"
      + " (some file was unreadable); the healers list the index on every sweep");

  public static final Tunable CHECKED_DIRS = Tunable.of("brick.local.checked-dirs", 100_000,
      "directories a brick remembers as free of symbolic links, so that a request's path is not checked again;"
      + " past that the memory starts over");

  public static final List<Tunable> ALL = List.of(RELOCATE_AGAIN_SECONDS, CHECKED_DIRS);
}
