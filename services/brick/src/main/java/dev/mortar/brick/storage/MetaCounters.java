package dev.mortar.brick.storage;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import java.util.HashMap;
import java.util.Map;

/** The arithmetic of {@link dev.mortar.brick.storage.BrickStorage#updateMeta}, the same for every storage. */
public final class MetaCounters {
  private MetaCounters() {}

  /** {@code cur} plus the deltas; EINVAL when a counter would go below zero. */
  public static FileMeta add(String path, FileMeta cur, long dirty, long dataVersion, long metaVersion,
                             Map<Integer, Long> pending) {
    Map<Integer, Long> pend = new HashMap<>(cur.pending());
    pending.forEach((k, v) -> pend.merge(k, v, Long::sum));
    pend.values().removeIf(v -> v == 0);
    FileMeta next = new FileMeta(cur.gfid(), cur.dirty() + dirty, cur.dataVersion() + dataVersion,
        cur.metaVersion() + metaVersion, pend);
    if (next.dirty() < 0 || next.pending().values().stream().anyMatch(v -> v < 0)) {
      throw new BrickException(Errno.EINVAL, path + ": counters would go below zero (" + next.toJson() + ")");
    }
    return next;
  }

  /** The update blames another brick (it missed a change): it must be durable before the client is answered. */
  public static boolean blames(Map<Integer, Long> pending) {
    return pending.values().stream().anyMatch(v -> v > 0);
  }
}
