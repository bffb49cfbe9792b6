package dev.mortar.client;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Negative lookups without a brick request: the names of the directories this client listed or made within the
 * cache time. Creating a file looks its name up first, and in a directory known here a name that is not in it
 * needs no round trip to learn so. This client's own changes keep the names current; a name another client made
 * shows within the cache time, as with the kernel's own negative_timeout. A listing that saved requests is
 * listed again when it expires (one request per directory per cache time, instead of one per lookup).
 */
final class DirectoryNames {
  /** Bigger directories are not kept: listing them again every cache time would cost more than it saves. */
  static final int MAX_NAMES = 20_000;

  enum Known { ABSENT, LIST_AGAIN, ASK }

  private record Listing(Set<String> names, long until, AtomicInteger saved) {}

  private final Map<String, Listing> dirs = new ConcurrentHashMap<>();
  private final long ttlNanos;

  DirectoryNames(long ttlNanos) {
    this.ttlNanos = ttlNanos;
  }

  /** What is known of {@code path} from its directory's names. */
  Known lookup(String path) {
    String dir = MortarPaths.parent(path);
    Listing l = dirs.get(dir);
    if (l == null) {
      return Known.ASK;
    }
    if (System.nanoTime() >= l.until()) {
      dirs.remove(dir, l);
      return l.saved().get() > 0 ? Known.LIST_AGAIN : Known.ASK;
    }
    if (l.names().contains(MortarPaths.name(path))) {
      return Known.ASK;
    }
    l.saved().incrementAndGet();
    return Known.ABSENT;
  }

  /** {@code dir} was just listed (or made: no names). */
  void listed(String dir, Collection<String> names) {
    if (names.size() > MAX_NAMES) {
      dirs.remove(dir);
      return;
    }
    Set<String> set = ConcurrentHashMap.newKeySet(names.size());
    set.addAll(names);
    dirs.put(dir, new Listing(set, System.nanoTime() + ttlNanos, new AtomicInteger()));
  }

  /** This client made {@code path}. */
  void added(String path) {
    Listing l = dirs.get(MortarPaths.parent(path));
    if (l != null) {
      l.names().add(MortarPaths.name(path));
    }
  }

  /** This client removed {@code path}, or renamed it away: it and whatever was known below it are gone. */
  void removed(String path) {
    Listing l = dirs.get(MortarPaths.parent(path));
    if (l != null) {
      l.names().remove(MortarPaths.name(path));
    }
    String below = path + "/";
    dirs.keySet().removeIf(d -> d.equals(path) || d.startsWith(below));
  }
}
