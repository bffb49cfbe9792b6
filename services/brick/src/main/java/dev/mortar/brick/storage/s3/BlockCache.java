package dev.mortar.brick.storage.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently written or read blocks, whole, least recently used out first. Blocks never change once written, so a
 * cached block is never stale: sequential reads of a block cost one GET, and compaction of just-written blocks
 * costs none.
 */
final class BlockCache {
  private final long capacity;
  private long bytes;
  private final LinkedHashMap<String, byte[]> blocks = new LinkedHashMap<>(64, 0.75f, true);

  BlockCache(long capacityBytes) {
    this.capacity = capacityBytes;
  }

  synchronized byte[] get(String key) {
    return blocks.get(key);
  }

  synchronized void put(String key, byte[] data) {
    if (data.length > capacity / 4) {
      return;
    }
    byte[] old = blocks.put(key, data);
    bytes += data.length - (old == null ? 0 : old.length);
    var it = blocks.entrySet().iterator();
    while (bytes > capacity && it.hasNext()) {
      Map.Entry<String, byte[]> e = it.next();
      bytes -= e.getValue().length;
      it.remove();
    }
  }

  synchronized void remove(String key) {
    byte[] old = blocks.remove(key);
    if (old != null) {
      bytes -= old.length;
    }
  }
}
