package dev.mortar.brick.storage.s3;

import java.util.UUID;

/**
 * The data blocks of a brick: immutable objects {@code b/<inode id>/<block>}, read and written through the block
 * cache, so that a block just written or read costs no GET.
 */
final class Blocks {
  static final String PREFIX = "b/";
  /** Largest data block: a write is cut into blocks of at most this, compaction merges up to this. */
  static final int MAX_BLOCK = 4 << 20;

  private final S3Store store;
  private final BlockCache cache;

  Blocks(S3Store store, BlockCache cache) {
    this.store = store;
    this.cache = cache;
  }

  static String key(String inodeId, String block) {
    return PREFIX + inodeId + "/" + block;
  }

  /** The bytes of a block; {@link Missing} when the bucket has it no more (a newer manifest dropped it). */
  byte[] get(String inodeId, String block) {
    String key = key(inodeId, block);
    byte[] b = cache.get(key);
    if (b == null) {
      b = store.get(key);
      if (b == null) {
        throw new Missing(key);
      }
      cache.put(key, b);
    }
    return b;
  }

  boolean cached(String inodeId, String block) {
    return cache.get(key(inodeId, block)) != null;
  }

  /** Puts the bytes in a new block of the inode; returns the block's name. */
  String put(String inodeId, byte[] data) {
    String block = UUID.randomUUID().toString().replace("-", "");
    String key = key(inodeId, block);
    store.put(key, data);
    cache.put(key, data);
    return block;
  }

  void delete(String inodeId, String block) {
    String key = key(inodeId, block);
    store.delete(key);
    cache.remove(key);
  }

  /** A block the manifest read names is gone from the bucket; the message is its key. */
  static final class Missing extends RuntimeException {
    Missing(String key) {
      super(key, null, false, false);
    }
  }
}
