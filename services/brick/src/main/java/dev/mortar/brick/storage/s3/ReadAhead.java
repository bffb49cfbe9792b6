package dev.mortar.brick.storage.s3;

import dev.mortar.common.config.S3Tunables;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A file read in sequence (a read starts about where the last one ended) has its next blocks fetched in the
 * background, so the reader does not wait for a GET at every block boundary.
 */
final class ReadAhead implements AutoCloseable {
  private final Blocks blocks;
  /** Null when off (a read-only brick runs nothing in the background). */
  private final ExecutorService fetchers;
  private final long window = S3Tunables.READ_AHEAD_BYTES.get();
  /** Reads of a stream may arrive a little out of order (the kernel reads ahead in parallel). */
  private final long slack = S3Tunables.READ_AHEAD_SLACK_BYTES.get();
  /** Where the last read of each file ended. */
  private final Map<String, Long> readEnds = new ConcurrentHashMap<>();
  private final Set<String> fetching = ConcurrentHashMap.newKeySet();

  private ReadAhead(Blocks blocks, ExecutorService fetchers) {
    this.blocks = blocks;
    this.fetchers = fetchers;
  }

  static ReadAhead on(Blocks blocks, S3Location location) {
    return new ReadAhead(blocks, Executors.newFixedThreadPool(S3Tunables.READ_AHEAD_THREADS.getInt(),
        r -> Maintenance.daemon(r, "mortar-s3-read-ahead-" + location)));
  }

  static ReadAhead off(Blocks blocks) {
    return new ReadAhead(blocks, null);
  }

  /** Bytes [offset, end) of {@code f} were just read. */
  void afterRead(Inode f, long offset, long end) {
    Long last = readEnds.put(f.id(), end);
    if (fetchers == null || last == null || Math.abs(offset - last) > slack) {
      return;
    }
    for (Extent e : f.extents()) {
      if (e.off() >= end && e.off() < end + window) {
        String key = Blocks.key(f.id(), e.block());
        if (!blocks.cached(f.id(), e.block()) && fetching.add(key)) {
          fetchers.execute(() -> {
            try {
              blocks.get(f.id(), e.block());
            } catch (RuntimeException ignored) {
              // a read-ahead that fails costs nothing: the reader fetches the block itself
            } finally {
              fetching.remove(key);
            }
          });
        }
      }
    }
  }

  /** The file is gone. */
  void forget(String inodeId) {
    readEnds.remove(inodeId);
  }

  @Override
  public void close() {
    if (fetchers != null) {
      fetchers.shutdownNow();
    }
  }
}
