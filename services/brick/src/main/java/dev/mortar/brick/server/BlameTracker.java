package dev.mortar.brick.server;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.SplitBrains;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which other bricks this brick blames for at least one file (they missed changes it has). Clients poll it through
 * STATUS so that they read nothing from a blamed brick until heal clears it, without a metadata lookup on every
 * read while all is well. Kept up to date from every metadata update and rebuilt from the heal index now and then,
 * which also forgets files deleted since.
 */
public final class BlameTracker {
  /** A file's blamed bricks, and the update that recorded them. */
  private record Blame(Set<Integer> bricks, long seq) {}

  private final Map<String, Blame> byFile = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();

  /** Follows one file's counters after an update. */
  void update(FileMeta m) {
    Set<Integer> blamed = blamed(m);
    if (blamed.isEmpty()) {
      byFile.remove(m.gfid());
    } else {
      byFile.put(m.gfid(), new Blame(blamed, seq.incrementAndGet()));
    }
  }

  /** Rebuilds from the heal index (blocking: a worker thread). */
  public void rebuild(BrickStorage storage) {
    long start = seq.get();
    Map<String, Blame> fresh = new ConcurrentHashMap<>();
    for (BrickStorage.IndexEntry e : storage.healIndex()) {
      try {
        FileMeta m = storage.meta(e.path());
        Set<Integer> blamed = blamed(m);
        if (!blamed.isEmpty() && m.gfid().equals(e.gfid())) {
          fresh.put(m.gfid(), new Blame(blamed, start));
        }
      } catch (BrickException gone) {
        // renamed or deleted since: a stale hint
      }
    }
    // What changed while the index was read is newer than what was read: keep it.
    byFile.entrySet().removeIf(e -> e.getValue().seq() <= start && !fresh.containsKey(e.getKey()));
    fresh.forEach((gfid, b) -> byFile.merge(gfid, b, (cur, read) -> cur.seq() > start ? cur : read));
  }

  /** The bricks blamed for at least one file, by index. */
  Set<Integer> blamed() {
    Set<Integer> all = new TreeSet<>();
    byFile.values().forEach(b -> all.addAll(b.bricks()));
    return all;
  }

  private static Set<Integer> blamed(FileMeta m) {
    return SplitBrains.blamed(List.of(m));
  }
}
