package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.MetaCounters;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a brick keeps about a file beside its names and data: mode, owner, times, user extended attributes and
 * replication metadata. Each change is one PUT of the inode, durable in the bucket before it returns.
 */
final class Attributes {
  private final InodeTree tree;

  Attributes(InodeTree tree) {
    this.tree = tree;
  }

  Attr chmod(String path, int mode) {
    Inode f = tree.find(path);
    if (f.isSymlink()) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": the mode of a symbolic link cannot be changed");
    }
    return tree.attr(tree.change(f, cur -> cur.withMode(mode)));
  }

  Attr chown(String path, int uid, int gid) {
    return tree.attr(tree.change(path, cur -> cur.withOwner(uid, gid)));
  }

  Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    return tree.attr(tree.change(path, cur -> cur.withTimes(time(atimeNanos, cur.atime()),
        time(mtimeNanos, cur.mtime()))));
  }

  private static long time(long asked, long current) {
    if (asked == Requests.Utimens.OMIT) {
      return current;
    }
    return asked == Requests.Utimens.NOW ? S3Clock.now() : asked;
  }

  // ---- extended attributes (the user's) ----

  private Inode xattrTarget(String path, String name) {
    if (name != null) {
      BrickNames.checkXattrName(name);
    }
    Inode f = tree.find(path);
    if (f.isSymlink()) {
      throw new BrickException(Errno.EPERM, path + ": symbolic links cannot carry user extended attributes");
    }
    return f;
  }

  Buffer getxattr(String path, String name) {
    String v = xattrTarget(path, name).xattrs().get(name);
    if (v == null) {
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    return Buffer.buffer(Base64.getDecoder().decode(v));
  }

  void setxattr(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    tree.change(xattrTarget(path, name), cur -> {
      BrickNames.checkXattrFlags(path, name, cur.xattrs().containsKey(name), flags);
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.put(name, Base64.getEncoder().encodeToString(value.getBytes()));
      return cur.withXattrs(x);
    });
  }

  List<String> listxattr(String path) {
    return new ArrayList<>(new TreeMap<>(xattrTarget(path, null).xattrs()).keySet());
  }

  void removexattr(String path, String name) {
    tree.change(xattrTarget(path, name), cur -> {
      if (!cur.xattrs().containsKey(name)) {
        throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
      }
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.remove(name);
      return cur.withXattrs(x);
    });
  }

  // ---- replication metadata ----

  FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending) {
    return tree.change(path, cur -> cur.withMeta(MetaCounters.add(path, cur.meta(), dirty, dataVersion, metaVersion,
        pending))).meta();
  }
}
