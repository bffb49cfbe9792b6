package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which blocks garbage collection deletes, and when. */
class GarbageCollectorTest extends AgainstS3Proxy {

  @Test
  void theSweepDeletesOnlyBlocksNoManifestNamesThatAreOlderThanTheGrace() {
    PartsOnS3 b = parts("sweep");
    String kept = b.blocks.put("a", new byte[10]);
    String unnamed = b.blocks.put("a", new byte[10]);
    String ofNoInode = b.blocks.put("b", new byte[10]);
    GarbageCollector gc = new GarbageCollector(b.store, b.blocks, new Maintenance(b.store.location()));
    Map<String, Set<String>> named = Map.of("a", Set.of(kept));

    assertEquals(0, gc.sweep(600_000, id -> named.getOrDefault(id, Set.of())),
        "young blocks may belong to a write whose manifest is on its way");
    assertEquals(Set.of(Blocks.key("a", kept), Blocks.key("a", unnamed), Blocks.key("b", ofNoInode)),
        b.blocksInBucket());

    assertEquals(2, gc.sweep(0, id -> named.getOrDefault(id, Set.of())));
    assertEquals(Set.of(Blocks.key("a", kept)), b.blocksInBucket(), "only the named block is left");
  }

  @Test
  void droppedBlocksAreDeletedAfterTheDelayOnceMaintenanceRuns() throws Exception {
    PartsOnS3 b = parts("later");
    String whileLoading = b.blocks.put("a", new byte[10]);
    String dropped = b.blocks.put("a", new byte[10]);
    Maintenance maintenance = new Maintenance(b.store.location());
    GarbageCollector gc = new GarbageCollector(b.store, b.blocks, maintenance);
    try {
      gc.deleteLater("a", Set.of(whileLoading)); // not started yet: left to the sweep at open
      maintenance.start();
      gc.deleteLater("a", Set.of(dropped));
      assertEquals(2, b.blocksInBucket().size(), "a read that began with the old manifest still finds the block");

      long deadline = System.currentTimeMillis() + 15_000;
      while (b.blocksInBucket().size() > 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertEquals(Set.of(Blocks.key("a", whileLoading)), b.blocksInBucket());
      assertThrows(Blocks.Missing.class, () -> b.blocks.get("a", dropped), "gone from the cache too");
    } finally {
      maintenance.close();
    }
  }
}
