package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;

/** Reads a file's bytes from the blocks its manifest names, and has sequential readers' next blocks fetched. */
final class BlockReader {
  /** Reads again with the current manifest when compaction replaced the one read; this many times at most. */
  private static final int READ_RETRIES = 3;

  private final Function<String, Inode> files;
  private final Blocks blocks;
  private final ReadAhead readAhead;

  /** @param files the regular file at a path, as it is now */
  BlockReader(Function<String, Inode> files, Blocks blocks, ReadAhead readAhead) {
    this.files = files;
    this.blocks = blocks;
    this.readAhead = readAhead;
  }

  Buffer read(String path, long offset, int size) {
    BrickNames.checkRead(path, offset, size);
    Inode f = files.apply(path);
    for (int attempt = 1; ; attempt++) {
      try {
        int n = (int) Math.max(0, Math.min(size, f.size() - offset));
        byte[] b = bytes(f, offset, n);
        readAhead.afterRead(f, offset, offset + n);
        return Buffer.buffer(b);
      } catch (Blocks.Missing e) {
        // compaction replaced the manifest while we read: read again with the current one
        if (attempt == READ_RETRIES) {
          throw new BrickException(Errno.EIO, path + ": block " + e.getMessage() + " is missing from the bucket");
        }
        f = files.apply(path);
      }
    }
  }

  /** Bytes [offset, offset+len) of a file; holes read as zeros. */
  byte[] bytes(Inode f, long offset, int len) {
    byte[] out = new byte[len];
    long end = offset + len;
    for (Extent e : f.extents()) {
      if (e.end() <= offset || e.off() >= end) {
        continue;
      }
      long from = Math.max(e.off(), offset);
      long to = Math.min(e.end(), end);
      byte[] block = blocks.get(f.id(), e.block());
      System.arraycopy(block, (int) (e.blockOff() + from - e.off()), out, (int) (from - offset), (int) (to - from));
    }
    return out;
  }
}
