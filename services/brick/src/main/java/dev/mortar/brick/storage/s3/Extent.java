package dev.mortar.brick.storage.s3;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A piece of a file's manifest: bytes {@code [off, off+len)} of the file are bytes {@code [blockOff, blockOff+len)}
 * of block object {@code block}. A file's extents never overlap; what no extent covers reads as zeros (a hole).
 */
record Extent(long off, long len, String block, long blockOff) {
  long end() {
    return off + len;
  }

  JsonArray toJson() {
    return new JsonArray().add(off).add(len).add(block).add(blockOff);
  }

  static Extent fromJson(JsonArray a) {
    return new Extent(a.getLong(0), a.getLong(1), a.getString(2), a.getLong(3));
  }

  /** The manifest after writing {@code len} bytes at {@code off} into a new block: only overlapped extents change. */
  static List<Extent> write(List<Extent> extents, long off, long len, String block) {
    List<Extent> out = new ArrayList<>(extents.size() + 2);
    long end = off + len;
    for (Extent e : extents) {
      if (e.end() <= off || e.off() >= end) {
        out.add(e);
        continue;
      }
      if (e.off() < off) {
        out.add(new Extent(e.off(), off - e.off(), e.block(), e.blockOff()));
      }
      if (e.end() > end) {
        out.add(new Extent(end, e.end() - end, e.block(), e.blockOff() + (end - e.off())));
      }
    }
    out.add(new Extent(off, len, block, 0));
    out.sort(Comparator.comparingLong(Extent::off));
    return out;
  }

  /** The manifest of the file cut to {@code size} bytes. */
  static List<Extent> truncate(List<Extent> extents, long size) {
    List<Extent> out = new ArrayList<>(extents.size());
    for (Extent e : extents) {
      if (e.off() < size) {
        out.add(e.end() <= size ? e : new Extent(e.off(), size - e.off(), e.block(), e.blockOff()));
      }
    }
    return out;
  }
}
