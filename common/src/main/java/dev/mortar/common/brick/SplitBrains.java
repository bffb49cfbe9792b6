package dev.mortar.common.brick;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Split-brain: a file (or directory) whose copies each have changes the other lacks, which shows as two bricks
 * blaming each other for it. Neither copy can simply be healed from the other.
 */
public final class SplitBrains {
  private SplitBrains() {}

  /** The bricks that any of these copies blames (has changes they missed), by index. */
  public static Set<Integer> blamed(java.util.Collection<FileMeta> copies) {
    Set<Integer> out = new TreeSet<>();
    copies.forEach(m -> m.pending().forEach((brick, n) -> {
      if (n > 0) {
        out.add(brick);
      }
    }));
    return out;
  }

  /** Do the copies, each brick's metadata by brick index, blame each other? */
  public static boolean isSplit(Map<Integer, FileMeta> copies) {
    for (Map.Entry<Integer, FileMeta> a : copies.entrySet()) {
      for (Map.Entry<Integer, FileMeta> b : copies.entrySet()) {
        if (a.getKey() < b.getKey() && a.getValue().pending().getOrDefault(b.getKey(), 0L) > 0
            && b.getValue().pending().getOrDefault(a.getKey(), 0L) > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The paths in split-brain, from the heal indexes of the bricks: brick index to (path to that brick's metadata
   * of it). A path in only one index cannot be in split-brain: the other brick does not blame anyone for it.
   */
  public static Set<String> find(Map<Integer, Map<String, FileMeta>> indexes) {
    Set<String> paths = new TreeSet<>();
    indexes.values().forEach(m -> paths.addAll(m.keySet()));
    Set<String> split = new TreeSet<>();
    for (String p : paths) {
      Map<Integer, FileMeta> copies = new java.util.HashMap<>();
      indexes.forEach((brick, m) -> {
        if (m.containsKey(p)) {
          copies.put(brick, m.get(p));
        }
      });
      if (isSplit(copies)) {
        split.add(p);
      }
    }
    return split;
  }
}
