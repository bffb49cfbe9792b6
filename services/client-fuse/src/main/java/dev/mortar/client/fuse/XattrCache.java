package dev.mortar.client.fuse;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Requests;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The extended attributes asked for all the time, by file ID, for the attribute cache time (a change made through
 * another mount shows within it, as a mode change does): the POSIX ACLs (the mount's permission checks and new files
 * need them, {@code ls -l} asks for each file's), and the {@code security.*} ones ({@code security.capability} before
 * every write, the security label for each file {@code ls -l} lists). Changes made through this mount drop the
 * file's entry.
 */
final class XattrCache {
  private record Entry(Optional<byte[]> value, long expires) {}

  private final ReplicaSet rs;
  private final long cacheNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  XattrCache(ReplicaSet rs, long cacheNanos) {
    this.rs = rs;
    this.cacheNanos = cacheNanos;
  }

  /** The access ACL of the file {@code a} at {@code path}, null where its mode says everything. */
  PosixAcl access(String path, Attr a) {
    return acl(path, a, XattrNames.ACL_ACCESS);
  }

  /** The default ACL of the directory {@code a} at {@code path}, null if it has none. */
  PosixAcl defaults(String path, Attr a) {
    return a.isDirectory() ? acl(path, a, XattrNames.ACL_DEFAULT) : null;
  }

  private PosixAcl acl(String path, Attr a, String name) {
    if (a.isSymlink()) { // no ACL: its permissions are never checked
      return null;
    }
    byte[] v = value(path, a, name);
    return v == null ? null : PosixAcl.parse(v);
  }

  /** The attributes kept here ({@link #value} reads the others through too, uncached). */
  static boolean cached(String name) {
    return XattrNames.isAcl(name) || name.startsWith(XattrNames.SECURITY);
  }

  /** The value of attribute {@code name} of the file {@code a} at {@code path}; null if it has none. */
  byte[] value(String path, Attr a, String name) {
    if (a.gfid() == null) {
      return fetch(path, name);
    }
    String key = a.gfid() + name;
    Entry e = entries.get(key);
    if (e == null || System.nanoTime() - e.expires() > 0) {
      e = new Entry(Optional.ofNullable(fetch(path, name)), System.nanoTime() + cacheNanos);
      entries.put(key, e);
    }
    return e.value().orElse(null);
  }

  private byte[] fetch(String path, String name) {
    try {
      return rs.read(new Requests.GetXattr(path, name), path).data().getBytes();
    } catch (BrickException e) {
      if (e.errno() == Errno.ENODATA || e.errno() == Errno.EOPNOTSUPP) {
        return null;
      }
      throw e;
    }
  }

  /** What this mount just gave a file: known without asking. */
  void known(String gfid, String name, PosixAcl acl) {
    entries.put(gfid + name, new Entry(Optional.ofNullable(acl).map(PosixAcl::toBytes),
        System.nanoTime() + cacheNanos));
  }

  /** Attribute {@code name} of the file changed through this mount (an access ACL also by chmod). */
  void forget(Attr a, String name) {
    if (a != null && a.gfid() != null) {
      entries.remove(a.gfid() + name);
    }
  }

  /** Drops what expired. */
  void prune() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.expires() > 0);
  }
}
