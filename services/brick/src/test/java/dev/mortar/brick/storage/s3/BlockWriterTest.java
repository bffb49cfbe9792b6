package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.MetaCounters;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** How writes become blocks and manifests. */
class BlockWriterTest extends AgainstS3Proxy {

  @Test
  void writesThatWaitForTheFileTogetherShareOneManifestPut() throws Exception {
    PartsOnS3 b = parts("group");
    BlockWriter w = new BlockWriter(b.tree, b.blocks, f -> { });
    b.names.create("/f", 0644, -1, -1, true, null);
    String id = b.tree.find("/f").id();
    int writes = 8;
    int size = 4096;
    byte[] all = random(writes * size, 1);
    ExecutorService pool = Executors.newFixedThreadPool(writes);
    List<Thread> writers = new ArrayList<>();
    List<Future<Inode>> done = new ArrayList<>();
    long puts0 = b.puts();
    try {
      // Someone else changes the file meanwhile: every write puts its block, queues, and waits for the lock.
      b.tree.locked(id, () -> {
        for (int i = 0; i < writes; i++) {
          int n = i;
          done.add(pool.submit(() -> {
            synchronized (writers) {
              writers.add(Thread.currentThread());
            }
            return w.write("/f", (long) n * size, Buffer.buffer(Arrays.copyOfRange(all, n * size, (n + 1) * size)),
                m -> MetaCounters.add("/f", m, 1, 1, 0, Map.of()));
          }));
        }
        awaitParked(writers, writes, b, puts0 + writes);
        return null;
      });
      for (Future<Inode> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(writes + 1, b.puts() - puts0, "a block per write and one manifest for all");
    assertArrayEquals(all, b.reader().read("/f", 0, all.length).getBytes(), "every write is where it was sent");
    assertEquals(writes, b.tree.find("/f").meta().dirty(), "and each one's change of the metadata");
  }

  /** Waits until every writer put its block and is parked on the file's lock. */
  private static void awaitParked(List<Thread> writers, int count, PartsOnS3 b, long puts) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      // The PUTs first: a writer waits in its PUT too, but once every block is in, a waiting writer waits for the lock.
      boolean blocksIn = b.puts() == puts;
      synchronized (writers) {
        if (blocksIn && writers.size() == count
            && writers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
          return;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the writers did not all reach the file's lock");
  }

  @Test
  void aWriteIsCutIntoBlocksAndAnOverwriteSplitsOnlyWhatItCovers() {
    PartsOnS3 b = parts("cut");
    BlockWriter w = new BlockWriter(b.tree, b.blocks, f -> { });
    b.names.create("/f", 0644, -1, -1, true, null);
    byte[] data = random(2 * Blocks.MAX_BLOCK + 100, 2);
    Inode f = w.write("/f", 0, Buffer.buffer(data), UnaryOperator.identity());
    assertEquals(List.of((long) Blocks.MAX_BLOCK, (long) Blocks.MAX_BLOCK, 100L),
        f.extents().stream().map(Extent::len).toList());
    assertEquals(data.length, f.size());

    String middle = f.extents().get(1).block();
    f = w.write("/f", Blocks.MAX_BLOCK + 10L, Buffer.buffer(new byte[5]), UnaryOperator.identity());
    assertEquals(List.of((long) Blocks.MAX_BLOCK, 10L, 5L, Blocks.MAX_BLOCK - 15L, 100L),
        f.extents().stream().map(Extent::len).toList());
    assertEquals(middle, f.extents().get(3).block(), "the rest of the overwritten block is still read from it");
    assertEquals(15, f.extents().get(3).blockOff());
    assertTrue(b.dropped.isEmpty(), "no block is given up while part of it is still named");
  }
}
