package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of bricks stored in an object store (keys {@code brick.s3.*}); see {@link Tunable}. */
public final class S3Tunables {
  private S3Tunables() {}

  public static final Tunable LOAD_THREADS = Tunable.of("brick.s3.load-threads", 16,
      "parallel GETs of the inodes when a brick opens: a brick with many files starts in seconds");

  public static final Tunable CACHE_BYTES = Tunable.of("brick.s3.cache-bytes", 64L << 20,
      "bytes of data blocks kept in memory per brick (recently written or read)");

  public static final Tunable READ_AHEAD_BYTES = Tunable.of("brick.s3.read-ahead-bytes", 8L << 20,
      "how far ahead of a sequential reader data blocks are fetched");

  public static final Tunable READ_AHEAD_SLACK_BYTES = Tunable.of("brick.s3.read-ahead-slack-bytes", 1L << 20,
      "how far from where the last read of a file ended the next may start and still count as sequential");

  public static final Tunable READ_AHEAD_THREADS = Tunable.of("brick.s3.read-ahead-threads", 2,
      "threads per brick that fetch blocks ahead of sequential readers");

  public static final Tunable SMALL_BLOCK_BYTES = Tunable.of("brick.s3.small-block-bytes", 1L << 20,
      "data blocks smaller than this are merged by compaction");

  public static final Tunable COMPACT_AFTER = Tunable.of("brick.s3.compact-after", 8,
      "small blocks a file may have before compaction merges them");

  public static final Tunable COMPACT_PERIOD_MS = Tunable.of("brick.s3.compact-period-ms", 1_000,
      "milliseconds between compaction runs over the files queued by writes");

  public static final Tunable DELETE_DELAY_MS = Tunable.of("brick.s3.delete-delay-ms", 5_000,
      "milliseconds a block no longer named lives on, for reads that began with the manifest before the change");

  public static final Tunable GC_GRACE_MS = Tunable.of("brick.s3.gc-grace-ms", 120_000,
      "milliseconds an unnamed block is spared by the sweep: it may belong to a write whose manifest is on its way");

  public static final Tunable GC_PERIOD_MS = Tunable.of("brick.s3.gc-period-ms", 600_000,
      "milliseconds between sweeps for blocks no manifest names (left by a crash)");

  public static final Tunable PROBE_PERIOD_MS = Tunable.of("brick.s3.probe-period-ms", 1_000,
      "milliseconds between checks whether an object store that stopped answering is back");

  public static final List<Tunable> ALL = List.of(LOAD_THREADS, CACHE_BYTES, READ_AHEAD_BYTES, READ_AHEAD_SLACK_BYTES,
      READ_AHEAD_THREADS, SMALL_BLOCK_BYTES, COMPACT_AFTER, COMPACT_PERIOD_MS, DELETE_DELAY_MS, GC_GRACE_MS,
      GC_PERIOD_MS, PROBE_PERIOD_MS);
}
