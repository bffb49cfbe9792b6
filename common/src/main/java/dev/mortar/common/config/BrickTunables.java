package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the brick service (keys {@code brick.*}); see {@link Tunable}. */
public final class BrickTunables {
  private BrickTunables() {}

  public static final Tunable WORKERS = Tunable.of("brick.workers", 8,
      "threads that serve one brick on local disk: enough to overlap many small requests on one disk");
  public static final Tunable S3_WORKERS = Tunable.of("brick.s3-workers", 16,
      "threads that serve one brick in an object store: its requests wait on the store's round trips, not on a"
          + " disk, so more of them overlap");
  public static final Tunable REOPEN_MS = Tunable.of("brick.reopen-ms", 2_000,
      "ms between tries to open a brick whose object store did not answer when the brick started");
  public static final Tunable STORE_CHECK_MS = Tunable.of("brick.store-check-ms", 500,
      "ms between looks at whether a brick's object store answers again (the healers are told at once)");
  public static final Tunable ROOM_CHECK_MS = Tunable.of("brick.room-check-ms", 1_000,
      "ms between looks at the room left on a local brick's filesystem, which STATUS tells the mounts (they write"
          + " through when it is short)");
  public static final Tunable BLAME_REBUILD_MS = Tunable.of("brick.blame-rebuild-ms", 10_000,
      "ms between rebuilds of the bricks a brick blames (told by STATUS) from its heal index, which forgets files"
          + " deleted meanwhile");
  public static final Tunable LOCK_MIN_LEASE_MS = Tunable.of("brick.lock.min-lease-ms", 100,
      "shortest lease, in ms, of a file's write lock, whatever a writer asks for");
  public static final Tunable LOCK_FENCED_REMEMBERED = Tunable.of("brick.lock.fenced-remembered", 4_096,
      "files and fenced writers a brick remembers, to refuse a write that arrives after its writer's lock was lost"
          + " (late writes come within minutes)");
  public static final Tunable PROGRAM_LOCK_MIN_LEASE_MS = Tunable.of("brick.program-lock.min-lease-ms", 1_000,
      "shortest lease, in ms, of a program's flock or record lock, whatever its mount asks for");
  public static final Tunable PROGRAM_LOCK_MAX_LEASE_MS = Tunable.of("brick.program-lock.max-lease-ms", 60_000,
      "longest lease, in ms, of a program's flock or record lock: how long a dead mount's lock can block others");

  public static final List<Tunable> ALL = List.of(WORKERS, S3_WORKERS, REOPEN_MS, STORE_CHECK_MS, ROOM_CHECK_MS,
      BLAME_REBUILD_MS, LOCK_MIN_LEASE_MS, LOCK_FENCED_REMEMBERED, PROGRAM_LOCK_MIN_LEASE_MS,
      PROGRAM_LOCK_MAX_LEASE_MS);
}
