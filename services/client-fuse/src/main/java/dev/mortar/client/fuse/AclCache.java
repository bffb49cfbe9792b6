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
 * Files' POSIX ACLs as the mount's permission checks and new files need them, by file ID, for the attribute cache
 * time (a change made through another mount shows within it, as a mode change does). Changes made through this
 * mount drop the file's entries.
 */
final class AclCache {
  private record Entry(Optional<PosixAcl> acl, long expires) {}

  private final ReplicaSet rs;
  private final long cacheNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  AclCache(ReplicaSet rs, long cacheNanos) {
    this.rs = rs;
    this.cacheNanos = cacheNanos;
  }

  /** The access ACL of the file {@code a} at {@code path}, null where its mode says everything. */
  PosixAcl access(String path, Attr a) {
    return get(path, a, XattrNames.ACL_ACCESS);
  }

  /** The default ACL of the directory {@code a} at {@code path}, null if it has none. */
  PosixAcl defaults(String path, Attr a) {
    return a.isDirectory() ? get(path, a, XattrNames.ACL_DEFAULT) : null;
  }

  private PosixAcl get(String path, Attr a, String name) {
    if (a.gfid() == null || a.isSymlink()) {
      return null;
    }
    String key = a.gfid() + name;
    Entry e = entries.get(key);
    if (e == null || System.nanoTime() - e.expires() > 0) {
      e = new Entry(Optional.ofNullable(fetch(path, name)), System.nanoTime() + cacheNanos);
      entries.put(key, e);
    }
    return e.acl().orElse(null);
  }

  private PosixAcl fetch(String path, String name) {
    try {
      return PosixAcl.parse(rs.read(new Requests.GetXattr(path, name), path).data().getBytes());
    } catch (BrickException e) {
      if (e.errno() == Errno.ENODATA || e.errno() == Errno.EOPNOTSUPP) {
        return null;
      }
      throw e;
    }
  }

  /** What this mount just gave a file: known without asking. */
  void known(String gfid, String name, PosixAcl acl) {
    entries.put(gfid + name, new Entry(Optional.ofNullable(acl), System.nanoTime() + cacheNanos));
  }

  /** The file's ACLs or mode changed through this mount. */
  void forget(Attr a) {
    if (a != null && a.gfid() != null) {
      entries.remove(a.gfid() + XattrNames.ACL_ACCESS);
      entries.remove(a.gfid() + XattrNames.ACL_DEFAULT);
    }
  }

  /** Drops what expired. */
  void prune() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.expires() > 0);
  }
}
