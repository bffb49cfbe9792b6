package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.MetaCounters;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.acl.XattrNames;
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
 * What a brick keeps about a file beside its names and data: mode, owner, times, extended attributes and
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
    return tree.attr(tree.change(f, cur -> withAclOfMode(cur.withMode(mode))));
  }

  /** chmod updates an access ACL's owner, mask and other entries, as on ext4. */
  private static Inode withAclOfMode(Inode f) {
    String acl = f.xattrs().get(XattrNames.ACL_ACCESS);
    if (acl == null) {
      return f;
    }
    Map<String, String> x = new TreeMap<>(f.xattrs());
    x.put(XattrNames.ACL_ACCESS, encode(PosixAcl.parse(decode(acl)).withMode(f.mode()).toBytes()));
    return f.withXattrs(x);
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

  // ---- extended attributes ----

  /**
   * The file whose attribute {@code name} is asked for ({@code write}: changed), with ext4's rules: only files and
   * directories carry {@code user.*} attributes (ENODATA to read, EPERM to change); a symbolic link has no ACL; a
   * default ACL only on a directory.
   */
  private Inode xattrTarget(String path, String name, boolean write) {
    BrickNames.checkXattrName(name);
    Inode f = tree.find(path);
    if (!f.isDirectory() && (f.mode() & Attr.S_IFMT) != Attr.S_IFREG && XattrNames.isUser(name)) {
      throw write ? new BrickException(Errno.EPERM, path + ": only files and directories carry user attributes")
          : new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    if (write && f.isSymlink() && XattrNames.isAcl(name)) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": symbolic links have no ACL");
    }
    if (write && !f.isDirectory() && name.equals(XattrNames.ACL_DEFAULT)) {
      throw new BrickException(Errno.EACCES, path + ": only a directory has a default ACL");
    }
    return f;
  }

  Buffer getxattr(String path, String name) {
    String v = xattrTarget(path, name, false).xattrs().get(name);
    if (v == null) {
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    return Buffer.buffer(decode(v));
  }

  /**
   * An access ACL sets the mode's permission bits (the group's from its mask) and is kept only where it says more
   * than the mode, as on ext4.
   */
  void setxattr(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    PosixAcl acl = XattrNames.isAcl(name) ? PosixAcl.parse(value.getBytes()) : null;
    tree.change(xattrTarget(path, name, true), cur -> {
      BrickNames.checkXattrFlags(path, name, cur.xattrs().containsKey(name), flags);
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.put(name, encode(value.getBytes()));
      if (!name.equals(XattrNames.ACL_ACCESS)) {
        return cur.withXattrs(x);
      }
      if (acl.equivalentToMode()) {
        x.remove(name);
      }
      return cur.withMode(acl.applyToMode(cur.mode())).withXattrs(x);
    });
  }

  List<String> listxattr(String path) {
    return new ArrayList<>(new TreeMap<>(tree.find(path).xattrs()).keySet());
  }

  void removexattr(String path, String name) {
    if (XattrNames.isAcl(name)) {
      Inode f = tree.find(path);
      if (!f.isSymlink() && !f.xattrs().containsKey(name)) {
        return; // as ext4: removing an ACL a file does not have (a default one of a file, too) changes nothing
      }
    }
    tree.change(xattrTarget(path, name, true), cur -> {
      if (!cur.xattrs().containsKey(name)) {
        throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
      }
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.remove(name);
      return cur.withXattrs(x);
    });
  }

  private static String encode(byte[] value) {
    return Base64.getEncoder().encodeToString(value);
  }

  private static byte[] decode(String value) {
    return Base64.getDecoder().decode(value);
  }

  // ---- replication metadata ----

  FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending) {
    return tree.change(path, cur -> cur.withMeta(MetaCounters.add(path, cur.meta(), dirty, dataVersion, metaVersion,
        pending))).meta();
  }
}
