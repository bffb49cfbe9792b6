package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Negative lookups without a brick request: the names of the directories this client listed or made within the
 * cache time. Creating a file looks its name up first, and in a directory known here a name that is not in it
 * needs no round trip to learn so. This client's own changes keep the names current; a name another client made
 * shows within the cache time, as with the kernel's own negative_timeout. A listing that saved requests is
 * listed again when it expires (one request per directory per cache time, instead of one per lookup).
 *
 * <p>A listing made with attributes ({@code ls -l}, or a glob) answers lookups of the names in it from the attribute
 * cache. When it expires and had answered many ({@code cat *} or {@code rm -rf} going through the files one by one),
 * the directory is listed again with attributes: one request for the whole directory instead of one per file.
 */
final class DirectoryNames {
  /** Bigger directories are not kept: listing them again every cache time would cost more than it saves. */
  static final int MAX_NAMES = 20_000;

  enum Known { ABSENT, LIST_AGAIN, LIST_AGAIN_WITH_ATTRIBUTES, ASK }

  /** A listing with attributes is made again if it answered at least this share of its names' lookups... */
  static final int RELIST_SHARE = 8;
  /** ...and at least this many: a lookup costs about as much as listing eight names with their attributes. */
  static final int RELIST_MIN = 16;

  private record Listing(Set<String> names, long until, AtomicInteger saved, boolean withAttributes,
      AtomicInteger served) {}

  private final Map<String, Listing> dirs = new ConcurrentHashMap<>();
  private final long ttlNanos;
  /** This client's namespace changes, counted before they touch a cache: see {@link #listed}. */
  private final AtomicLong changes = new AtomicLong();

  DirectoryNames(long ttlNanos) {
    this.ttlNanos = ttlNanos;
  }

  /** What is known of {@code path} from its directory's names. */
  Known lookup(String path) {
    if (path.equals("/")) {
      return Known.ASK; // the root is in no listing (its "parent" is itself): never absent from one
    }
    String dir = MortarPaths.parent(path);
    Listing l = dirs.get(dir);
    if (l == null) {
      return Known.ASK;
    }
    if (System.nanoTime() >= l.until()) {
      dirs.remove(dir, l);
      if (l.withAttributes() && l.served().get() >= Math.max(RELIST_MIN, l.names().size() / RELIST_SHARE)) {
        return Known.LIST_AGAIN_WITH_ATTRIBUTES;
      }
      return l.saved().get() > 0 ? Known.LIST_AGAIN : Known.ASK;
    }
    if (l.names().contains(MortarPaths.name(path))) {
      return Known.ASK;
    }
    l.saved().incrementAndGet();
    return Known.ABSENT;
  }

  /** {@code dir} was just made here: it has no names. */
  void made(String dir) {
    put(dir, List.of(), false);
  }

  /** The count of this client's namespace changes so far: taken before a listing is asked for. */
  long changes() {
    return changes.get();
  }

  /** A namespace change of this client is under way (a name goes away or is replaced): counted before it is made. */
  void changing() {
    changes.incrementAndGet();
  }

  /**
   * {@code dir} was just listed (with its names' attributes, which the caller cached); {@code since} is
   * {@link #changes} from before the listing was asked for. A listing that ran across a change of this client may
   * hold a name it removed, or miss one it made: it is not kept, and false tells the caller to drop the attributes
   * it cached from it. The count is read after the listing is put, so a change counted later finds it in place.
   */
  boolean listed(String dir, Collection<String> names, boolean withAttributes, long since) {
    Listing l = put(dir, names, withAttributes);
    if (changes.get() == since) {
      return true;
    }
    if (l != null) {
      dirs.remove(dir, l);
    }
    return false;
  }

  private Listing put(String dir, Collection<String> names, boolean withAttributes) {
    if (names.size() > MAX_NAMES) {
      dirs.remove(dir);
      return null;
    }
    Set<String> set = ConcurrentHashMap.newKeySet(names.size());
    set.addAll(names);
    Listing l = new Listing(set, System.nanoTime() + ttlNanos, new AtomicInteger(), withAttributes,
        new AtomicInteger());
    dirs.put(dir, l);
    return l;
  }

  /** A lookup of {@code path} was answered from the attribute cache. */
  void served(String path) {
    Listing l = dirs.get(MortarPaths.parent(path));
    if (l != null && l.withAttributes()) {
      l.served().incrementAndGet();
    }
  }

  /** This client made {@code path}. */
  void added(String path) {
    changing();
    Listing l = dirs.get(MortarPaths.parent(path));
    if (l != null) {
      l.names().add(MortarPaths.name(path));
    }
  }

  /** This client removed {@code path}, or renamed it away: it and whatever was known below it are gone. */
  void removed(String path) {
    changing();
    Listing l = dirs.get(MortarPaths.parent(path));
    if (l != null) {
      l.names().remove(MortarPaths.name(path));
    }
    String below = path + "/";
    dirs.keySet().removeIf(d -> d.equals(path) || d.startsWith(below));
  }
}
