package dev.mortar.brick.storage.s3;

import dev.mortar.common.config.S3Tunables;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Deletes data blocks no manifest names: those a change dropped, a little later (reads that began with the
 * manifest before the change may still need them), and, by a sweep, those a crash left behind.
 */
final class GarbageCollector {
  private static final Logger LOG = Logger.getLogger(GarbageCollector.class.getName());

  private final S3Store store;
  private final Blocks blocks;
  private final Maintenance maintenance;

  GarbageCollector(S3Store store, Blocks blocks, Maintenance maintenance) {
    this.store = store;
    this.blocks = blocks;
    this.maintenance = maintenance;
  }

  /** Blocks of an inode that no manifest names any more. */
  void deleteLater(String inodeId, Set<String> dropped) {
    if (!dropped.isEmpty()) {
      maintenance.later("block deletion", S3Tunables.DELETE_DELAY_MS.get(),
          () -> dropped.forEach(b -> blocks.delete(inodeId, b)));
    }
  }

  /**
   * Deletes the blocks that {@code named} (inode id -> the blocks its manifest names) leaves out and that are older
   * than {@code graceMs}: younger ones may belong to a write whose manifest is on its way. Returns how many it
   * deleted.
   */
  int sweep(long graceMs, Function<String, Set<String>> named) {
    long cutoff = System.currentTimeMillis() - graceMs;
    Map<String, Set<String>> byInode = new HashMap<>();
    int deleted = 0;
    for (S3Store.Entry e : store.list(Blocks.PREFIX)) {
      String[] parts = e.key().substring(Blocks.PREFIX.length()).split("/", 2);
      if (parts.length != 2 || e.lastModified().toEpochMilli() > cutoff) {
        continue;
      }
      if (!byInode.computeIfAbsent(parts[0], named).contains(parts[1])) {
        store.delete(e.key());
        deleted++;
      }
    }
    if (deleted > 0) {
      LOG.info("brick " + store.location() + ": deleted " + deleted + " data blocks no file names any more");
    }
    return deleted;
  }
}
