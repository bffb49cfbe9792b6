package dev.mortar.client.fuse;

import dev.mortar.common.brick.Attr;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attributes this mount read or changed, by path, each for the cache time ({@code performance.md-cache-timeout}): a
 * change made through another mount shows here within it. Attributes are a file's, not a name's: the names cached of
 * a file with several links are kept together, so that what one of them learns or loses, all of them do (an
 * {@code ls -l} right after {@code ln a b} shows both with two links).
 */
final class AttrCache {
  /** @param guessed a directory's attributes as this mount's changes there not yet answered make them */
  private record Cached(Attr attr, long until, boolean guessed) {
    Cached(Attr attr, long until) {
      this(attr, until, false);
    }
  }

  private final Map<String, Cached> attrs = new ConcurrentHashMap<>();
  /** The names cached of each file with several links, by file ID. Changed under {@code compute} of its key. */
  private final Map<String, Set<String>> linked = new ConcurrentHashMap<>();
  private final long cacheNanos;

  AttrCache(long cacheNanos) {
    this.cacheNanos = cacheNanos;
  }

  /** Caches {@code path}'s attributes; the file's other names cached here get them too. */
  Attr put(String path, Attr a) {
    Cached c = new Cached(a, System.nanoTime() + cacheNanos);
    Cached before = attrs.put(path, c);
    if (before != null && linkable(before.attr()) && !sameFile(before.attr(), a)) {
      linked.computeIfPresent(before.attr().gfid(), (id, names) -> {
        names.remove(path); // the name now names another file
        return names.isEmpty() ? null : names;
      });
    }
    if (linkable(a)) {
      linked.compute(a.gfid(), (id, names) -> {
        if (names == null && a.nlink() < 2) {
          return null;
        }
        Set<String> out = names == null ? ConcurrentHashMap.newKeySet() : names;
        for (String other : out) {
          Cached o = attrs.get(other);
          if (other.equals(path) || o == null || !sameFile(o.attr(), a)) {
            out.remove(other);
          } else if (a.nlink() > 1) {
            attrs.put(other, c);
          } else {
            attrs.remove(other, o); // the file has one name left, and it is this one
            out.remove(other);
          }
        }
        if (a.nlink() > 1) {
          out.add(path);
        }
        return out.isEmpty() ? null : out;
      });
    }
    return a;
  }

  /** The attributes cached within the cache time, or null. */
  Attr fresh(String path) {
    Cached c = attrs.get(path);
    return c != null && System.nanoTime() < c.until() ? c.attr() : null;
  }

  /** The attributes cached, past the cache time or not, or null. */
  Attr any(String path) {
    Cached c = attrs.get(path);
    return c == null ? null : c.attr();
  }

  /** Drops what is cached of {@code path}, and of the file's other names: what changed one changed them all. */
  void remove(String path) {
    Cached c = attrs.remove(path);
    if (c != null && linkable(c.attr())) {
      forgetNames(c.attr().gfid());
    }
  }

  /**
   * A name went whose file is not known here: it may have been one name of a file with others, whose link count
   * is one less now. Every file with several names cached forgets them (there are few such files).
   */
  void forgetLinkedFiles() {
    linked.keySet().forEach(this::forgetNames);
  }

  private void forgetNames(String gfid) {
    linked.computeIfPresent(gfid, (id, names) -> {
      for (String other : names) {
        attrs.computeIfPresent(other, (p, o) -> id.equals(o.attr().gfid()) ? null : o);
      }
      return null;
    });
  }

  /**
   * Directory {@code dir} as a brick answered after a change of names there: cached unless what is cached is newer
   * (the answer to an earlier change that came late), and in place of what this mount guessed.
   */
  void putDir(String dir, Attr after) {
    attrs.compute(dir, (p, c) -> c == null || c.guessed() || c.attr().ctime() <= after.ctime()
        ? new Cached(after, System.nanoTime() + cacheNanos) : c);
  }

  /**
   * A name in directory {@code dir} was made or removed through this mount and the bricks have not answered yet:
   * its cached attributes say so at once, as a local disk's would (mtime and ctime now, {@code subdirs} more or
   * fewer subdirectories in its link count), until the answer's replace them ({@link #putDir}). Nothing is cached
   * for a directory not known.
   */
  void changedIn(String dir, int subdirs, long nowNanos) {
    attrs.computeIfPresent(dir, (p, c) -> {
      Attr d = c.attr();
      if (!d.isDirectory()) {
        return c;
      }
      return new Cached(new Attr(d.gfid(), d.ino(), d.mode(), Math.max(2, d.nlink() + subdirs), d.uid(), d.gid(),
          d.size(), d.blocks(), d.atime(), nowNanos, nowNanos), c.until(), true);
    });
  }

  /** False for a name cached as anything but a directory: nothing of this mount's is cached below it. */
  boolean mayHoldNames(String path) {
    Cached c = attrs.get(path);
    return c == null || c.attr().isDirectory();
  }

  /**
   * A directory removed or renamed: what was cached below it is not what a directory made there later holds. Scans
   * the whole cache (kept to the last seconds' names by {@link #prune}).
   */
  void forgetBelow(String dir) {
    String below = dir + "/";
    attrs.keySet().removeIf(p -> p.startsWith(below));
  }

  /** Expired attributes are never read again, but they would stay: a mount that sees many names would grow. */
  void prune() {
    long now = System.nanoTime();
    attrs.values().removeIf(c -> now >= c.until());
    for (String id : linked.keySet()) {
      linked.computeIfPresent(id, (k, names) -> {
        names.removeIf(p -> !attrs.containsKey(p));
        return names.isEmpty() ? null : names;
      });
    }
  }

  /** Only files and symbolic links have several names; a directory's link count counts its subdirectories. */
  private static boolean linkable(Attr a) {
    return !a.isDirectory() && a.gfid() != null;
  }

  private static boolean sameFile(Attr a, Attr b) {
    return a.gfid() != null && a.gfid().equals(b.gfid());
  }
}
