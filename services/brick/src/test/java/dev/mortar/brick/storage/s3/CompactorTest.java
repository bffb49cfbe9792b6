package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.config.S3Tunables;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What compaction merges and what it leaves alone. */
class CompactorTest extends AgainstS3Proxy {
  private static final int SMALL = 64 << 10;

  private static void write(BlockWriter w, String path, long offset, byte[] data) {
    w.write(path, offset, Buffer.buffer(data), UnaryOperator.identity());
  }

  private static List<Long> lengths(PartsOnS3 b, String path) {
    return b.tree.find(path).extents().stream().map(Extent::len).toList();
  }

  @Test
  void runsOfAdjacentSmallBlocksAreMergedAndHolesAndBigBlocksBreakThem() {
    PartsOnS3 b = parts("runs");
    BlockWriter w = new BlockWriter(b.tree, b.blocks, f -> { });
    b.names.create("/f", 0644, -1, -1, true, null);
    byte[] run1 = random(10 * SMALL, 1);
    byte[] run2 = random(3 * SMALL, 2);
    byte[] big = random(2 << 20, 3);
    byte[] run3 = random(2 * SMALL, 4);
    for (int i = 0; i < 10; i++) {
      write(w, "/f", (long) i * SMALL, Arrays.copyOfRange(run1, i * SMALL, (i + 1) * SMALL));
    }
    long hole = 1 << 20;
    long run2At = 10L * SMALL + hole;
    for (int i = 0; i < 3; i++) {
      write(w, "/f", run2At + (long) i * SMALL, Arrays.copyOfRange(run2, i * SMALL, (i + 1) * SMALL));
    }
    long bigAt = run2At + 3L * SMALL;
    write(w, "/f", bigAt, big);
    long run3At = bigAt + big.length;
    for (int i = 0; i < 2; i++) {
      write(w, "/f", run3At + (long) i * SMALL, Arrays.copyOfRange(run3, i * SMALL, (i + 1) * SMALL));
    }
    Set<String> before = b.named("/f");
    Attr attrBefore = b.tree.attr(b.tree.find("/f"));
    BlockReader reader = b.reader();
    byte[] bytesBefore = reader.read("/f", 0, (int) (run3At + run3.length)).getBytes();

    new Compactor(b.tree, reader, b.blocks).compact(b.tree.find("/f").id());

    assertEquals(List.of(10L * SMALL, 3L * SMALL, (long) big.length, 2L * SMALL), lengths(b, "/f"),
        "each run of small blocks is one block; the hole and the big block are where they were");
    assertArrayEquals(bytesBefore, reader.read("/f", 0, bytesBefore.length).getBytes(), "the same bytes");
    Set<String> after = b.named("/f");
    assertEquals(1, after.stream().filter(before::contains).count(), "only the big block is kept");
    assertEquals(before.size() - 1, b.dropped.size(), "the merged-away blocks are dropped");
    assertTrue(b.dropped.stream().allMatch(before::contains));
    Attr attrAfter = b.tree.attr(b.tree.find("/f"));
    assertEquals(attrBefore.mtime(), attrAfter.mtime(), "compaction changes how, not what: times stay");
    assertEquals(attrBefore.ctime(), attrAfter.ctime());
  }

  @Test
  void aMergedBlockIsNoBiggerThanTheLargestBlock() {
    PartsOnS3 b = parts("cap");
    BlockWriter w = new BlockWriter(b.tree, b.blocks, f -> { });
    b.names.create("/f", 0644, -1, -1, true, null);
    int n = Blocks.MAX_BLOCK / SMALL + 16;
    byte[] all = random(n * SMALL, 5);
    for (int i = 0; i < n; i++) {
      write(w, "/f", (long) i * SMALL, Arrays.copyOfRange(all, i * SMALL, (i + 1) * SMALL));
    }
    BlockReader reader = b.reader();
    new Compactor(b.tree, reader, b.blocks).compact(b.tree.find("/f").id());
    assertEquals(List.of((long) Blocks.MAX_BLOCK, 16L * SMALL), lengths(b, "/f"));
    assertArrayEquals(all, reader.read("/f", 0, all.length).getBytes());
  }

  @Test
  void aFileIsQueuedOnceItHasEnoughSmallBlocks() {
    PartsOnS3 b = parts("queue");
    Compactor c = new Compactor(b.tree, b.reader(), b.blocks);
    BlockWriter w = new BlockWriter(b.tree, b.blocks, c::offer);
    b.names.create("/f", 0644, -1, -1, true, null);
    int enough = S3Tunables.COMPACT_AFTER.getInt();
    for (int i = 0; i < enough - 1; i++) {
      write(w, "/f", (long) i * SMALL, new byte[SMALL]);
    }
    c.compactQueued();
    assertEquals(enough - 1, lengths(b, "/f").size(), "not yet worth a merge");
    write(w, "/f", (long) (enough - 1) * SMALL, new byte[SMALL]);
    c.compactQueued();
    assertEquals(List.of((long) enough * SMALL), lengths(b, "/f"));
  }
}
