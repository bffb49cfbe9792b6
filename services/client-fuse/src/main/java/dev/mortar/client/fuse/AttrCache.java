package dev.mortar.client.fuse;

import dev.mortar.common.brick.Attr;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attributes this mount read or changed, by path, each for the cache time ({@code performance.md-cache-timeout}): a
 * change made through another mount shows here within it.
 */
final class AttrCache {
  private record Cached(Attr attr, long until) {}

  private final Map<String, Cached> attrs = new ConcurrentHashMap<>();
  private final long cacheNanos;

  AttrCache(long cacheNanos) {
    this.cacheNanos = cacheNanos;
  }

  Attr put(String path, Attr a) {
    attrs.put(path, new Cached(a, System.nanoTime() + cacheNanos));
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

  void remove(String path) {
    attrs.remove(path);
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
  }
}
