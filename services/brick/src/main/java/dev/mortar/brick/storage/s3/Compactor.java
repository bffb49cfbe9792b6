package dev.mortar.brick.storage.s3;

import dev.mortar.common.config.S3Tunables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merges runs of adjacent small blocks of a file into blocks of up to {@value Blocks#MAX_BLOCK} bytes: the same
 * bytes, fewer objects and a shorter manifest (streams of small writes make many blocks). The new manifest replaces
 * the old under the file's lock, and the tree drops the old blocks.
 */
final class Compactor {
  private final InodeTree tree;
  private final BlockReader reader;
  private final Blocks blocks;
  private final long smallBlock = S3Tunables.SMALL_BLOCK_BYTES.get();
  private final int compactAfter = S3Tunables.COMPACT_AFTER.getInt();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  Compactor(InodeTree tree, BlockReader reader, Blocks blocks) {
    this.tree = tree;
    this.reader = reader;
    this.blocks = blocks;
  }

  /** Queues the file for the next run once it has enough small blocks. */
  void offer(Inode f) {
    if (f.extents().stream().filter(e -> e.len() < smallBlock).count() >= compactAfter) {
      queued.add(f.id());
    }
  }

  /** Compacts the files queued since the last run. */
  void compactQueued() {
    for (String id : new ArrayList<>(queued)) {
      queued.remove(id);
      compact(id);
    }
  }

  void compact(String id) {
    Inode f = tree.get(id);
    if (f == null || f.isDirectory() || f.isSymlink()) {
      return;
    }
    tree.change(f, cur -> {
      List<Extent> ex = cur.extents();
      List<Extent> out = new ArrayList<>();
      boolean merged = false;
      int i = 0;
      while (i < ex.size()) {
        int j = runEnd(ex, i);
        if (j - i >= 2) {
          long off = ex.get(i).off();
          long total = ex.get(j - 1).end() - off;
          byte[] data = reader.bytes(cur.withExtents(ex.subList(i, j)), off, (int) total);
          out.add(new Extent(off, total, blocks.put(cur.id(), data), 0));
          merged = true;
          i = j;
        } else {
          out.add(ex.get(i++));
        }
      }
      return merged ? cur.withExtents(out) : cur;
    });
  }

  /** The end (exclusive) of the run of small, adjacent extents from {@code i} that fits in one block. */
  private int runEnd(List<Extent> ex, int i) {
    int j = i;
    long total = 0;
    while (j < ex.size() && ex.get(j).len() < smallBlock && total + ex.get(j).len() <= Blocks.MAX_BLOCK
        && (j == i || ex.get(j).off() == ex.get(j - 1).end())) {
      total += ex.get(j).len();
      j++;
    }
    return j;
  }
}
