package dev.mortar.client.fuse;

import dev.mortar.common.brick.Attr;
import io.vertx.core.buffer.Buffer;

/**
 * A create not sent yet: the new file, and the first bytes the program wrote to it, which go with it. Guarded by its
 * handle's mutex.
 */
final class UnsentCreate {
  final NewEntry entry;
  final int mode;
  /** O_TRUNC: a file found there after all is emptied first. */
  final boolean truncate;
  final long born = System.currentTimeMillis() * 1_000_000L;
  final Buffer data = Buffer.buffer();
  long timer;
  /** A descriptor of it was closed before anything was written (a shell's redirect). */
  private boolean closedOnce;

  UnsentCreate(NewEntry entry, int mode, boolean truncate) {
    this.entry = entry;
    this.mode = mode;
    this.truncate = truncate;
  }

  /** What the file will be when it is made: what stat(2) on it says meanwhile. */
  Attr attr() {
    long size = data.length();
    return new Attr(entry.gfid(), 0, Attr.S_IFREG | mode, 1, entry.uid(), entry.gid(), size, (size + 511) / 512,
        born, born, born);
  }

  /** Does a write of {@code size} bytes at {@code offset} go with the create (it continues the data, and fits)? */
  boolean takes(long offset, long size) {
    return offset == data.length() && offset + size <= WriteBehind.GATHER_BYTES;
  }

  /**
   * A close(2) of it: the first one with nothing written yet keeps the create for the bytes that follow (a shell
   * opens the file, duplicates the descriptor and closes the first one before it writes).
   */
  boolean keptAtClose() {
    if (data.length() == 0 && !closedOnce) {
      closedOnce = true;
      return true;
    }
    return false;
  }
}
