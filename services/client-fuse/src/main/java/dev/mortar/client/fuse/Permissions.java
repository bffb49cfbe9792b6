package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;

/**
 * Who may do what, decided by the mount as Linux decides it for ext4 (generic_permission with POSIX ACLs, the
 * sticky bit, the owner's rights over mode, owner and times). The kernel cannot: the mount has no FUSE_POSIX_ACL
 * (libfuse 2), so with {@code default_permissions} it would check the mode bits only and refuse a user whom an ACL
 * entry lets in; the mount therefore runs without it and checks every request here. Root passes every check but
 * the execution of a file without any x bit (which the kernel checks itself).
 */
final class Permissions {
  static final int READ = 4;
  static final int WRITE = 2;
  static final int EXEC = 1;
  private static final int S_ISVTX = 01000;
  private static final int S_ISGID = 02000;
  private static final int S_ISUID = 04000;

  private final Namespace ns;
  private final XattrCache xattrs;

  Permissions(Namespace ns, XattrCache xattrs) {
    this.ns = ns;
    this.xattrs = xattrs;
  }

  /** Search (x) permission on every directory above {@code path}: EACCES where one is missing. */
  void search(Caller c, String path) {
    if (c.root() || path.equals("/")) {
      return;
    }
    int end = 0;
    while (end >= 0) {
      String dir = end == 0 ? "/" : path.substring(0, end);
      require(c, dir, ns.lookup(dir), EXEC);
      end = path.indexOf('/', end + 1);
    }
  }

  /**
   * {@code want} (read, write, execute bits) on {@code path}, after the search of the way there. The file's
   * attributes; null for root, who is not checked (and so costs no lookup).
   */
  Attr check(Caller c, String path, int want) {
    if (c.root()) {
      return null;
    }
    search(c, path);
    ns.settle(path); // a new file whose create is not sent yet is looked up once it is
    Attr a = ns.lookup(path);
    if (want != 0) {
      require(c, path, a, want);
    }
    return a;
  }

  private void require(Caller c, String path, Attr a, int want) {
    if (!allowed(c, path, a, want)) {
      throw new BrickException(Errno.EACCES, path + ": permission denied");
    }
  }

  /**
   * Linux's generic_permission: the owner by the mode's owner bits; others by the access ACL where the mode has
   * group bits (the ACL's mask) and the file has one, else by the group or other bits.
   */
  boolean allowed(Caller c, String path, Attr a, int want) {
    int mode = a.mode();
    if (c.root()) {
      return (want & EXEC) == 0 || a.isDirectory() || (mode & 0111) != 0;
    }
    if (c.uid() == a.uid()) {
      return ((mode >> 6) & want) == want;
    }
    PosixAcl acl = (mode & 070) != 0 ? xattrs.access(path, a) : null;
    if (acl != null) {
      return acl.permits(c.uid(), c, a.gid(), want);
    }
    int bits = c.contains(a.gid()) ? mode >> 3 : mode;
    return (bits & want) == want;
  }

  /** Making {@code path}: write and search permission on its directory. */
  void mayCreate(Caller c, String path) {
    check(c, MortarPaths.parent(path), WRITE | EXEC);
  }

  /** Removing the name {@code path}: as {@link #mayCreate}, and in a sticky directory only its or the file's owner. */
  void mayDelete(Caller c, String path) {
    Attr dir = check(c, MortarPaths.parent(path), WRITE | EXEC);
    if (c.root()) {
      return;
    }
    if ((dir.mode() & S_ISVTX) != 0 && c.uid() != dir.uid() && c.uid() != check(c, path, 0).uid()) {
      throw new BrickException(Errno.EPERM, path + ": in a sticky directory only its owner may remove it");
    }
  }

  /** rename(2): the source removed, the target made (or removed), a directory moved elsewhere writable itself. */
  void mayRename(Caller c, String from, String to) {
    mayDelete(c, from);
    if (exists(to)) {
      mayDelete(c, to);
    } else {
      mayCreate(c, to);
    }
    Attr moved = check(c, from, 0);
    if (moved != null && moved.isDirectory() && !MortarPaths.parent(from).equals(MortarPaths.parent(to))) {
      require(c, from, moved, WRITE); // its ".." changes
    }
  }

  private boolean exists(String path) {
    try {
      ns.settle(path);
      ns.lookup(path);
      return true;
    } catch (BrickException e) {
      if (e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  /**
   * chmod: the owner's (EPERM for others, except a change that only clears set-user and set-group-ID, which the
   * kernel makes for a writer); set-group-ID is dropped by a caller outside the file's group. The mode to set.
   */
  int chmod(Caller c, String path, int mode) {
    Attr a = check(c, path, 0);
    if (c.root()) {
      return mode;
    }
    if (c.uid() != a.uid()) {
      if (mode == (a.mode() & 07777 & ~(S_ISUID | S_ISGID))) {
        return mode;
      }
      throw new BrickException(Errno.EPERM, path + ": only its owner may change its mode");
    }
    return (mode & S_ISGID) != 0 && !c.contains(a.gid()) ? mode & ~S_ISGID : mode;
  }

  /** chown: only root gives a file away; its owner may change its group to one of the owner's groups. */
  void chown(Caller c, String path, int uid, int gid) {
    Attr a = check(c, path, 0);
    if (c.root()) {
      return;
    }
    boolean uidKept = uid == -1 || uid == a.uid();
    boolean gidOk = gid == -1 || gid == a.gid() || c.uid() == a.uid() && c.contains(gid);
    if (!uidKept || !gidOk) {
      throw new BrickException(Errno.EPERM, path + ": only root may change its owner, its owner its group");
    }
  }

  /** utimens: explicit times only by the owner (EPERM); "now" also by whoever may write it (EACCES). */
  void utimens(Caller c, String path, boolean explicitTimes) {
    Attr a = check(c, path, 0);
    if (c.root() || c.uid() == a.uid()) {
      return;
    }
    if (explicitTimes) {
      throw new BrickException(Errno.EPERM, path + ": only its owner may set its times");
    }
    require(c, path, a, WRITE);
  }

  /** What open(2) with {@code flags} needs: read, write (also for O_TRUNC); execve execute only. */
  static int forOpen(int flags) {
    if ((flags & 040) != 0) { // __FMODE_EXEC: execve opens the program with it, needing x only
      return EXEC;
    }
    int access = flags & 03;
    int want = access == 0 ? READ : access == 1 ? WRITE : READ | WRITE;
    return (flags & 01000) != 0 ? want | WRITE : want;
  }
}
