package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage.DirEntry;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The name operations of a brick on its tree, with the errors a program expects. Changes of names run one at a
 * time, so that check-then-act cannot race (as on local disk).
 */
final class Namespace {
  private final InodeTree tree;
  private final ReentrantLock lock = new ReentrantLock();

  Namespace(InodeTree tree) {
    this.tree = tree;
  }

  private <T> T exclusively(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  Attr lookup(String path) {
    try {
      return tree.attr(tree.find(path));
    } catch (BrickException e) {
      throw BrickNames.hiddenAsMissing(e, path);
    }
  }

  List<DirEntry> readdir(String path) {
    Inode dir = tree.find(path);
    if (!dir.isDirectory()) {
      throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
    List<DirEntry> out = new ArrayList<>();
    tree.children(dir.id()).forEach((name, id) -> {
      Inode i = tree.get(id);
      if (i != null) { // removed while listing: not an error
        out.add(new DirEntry(name, tree.attr(i)));
      }
    });
    return out;
  }

  Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    return exclusively(() -> {
      Inode.Name slot = tree.slot(path);
      failIfExists(slot, path);
      return tree.make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFDIR | (mode & 07777), uid, gid,
          null));
    });
  }

  Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid) {
    return exclusively(() -> {
      Inode existing = tree.findOrNull(path);
      if (existing != null) {
        if (exclusive) {
          throw new BrickException(Errno.EEXIST, path + ": file exists");
        }
        if (existing.isDirectory()) {
          throw new BrickException(Errno.EISDIR, path + ": is a directory");
        }
        return tree.attr(existing);
      }
      Inode.Name slot = tree.slot(path);
      return tree.make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFREG | (mode & 07777), uid, gid,
          null));
    });
  }

  Attr symlink(String path, String target, int uid, int gid, String gfid) {
    BrickNames.checkSymlinkTarget(path, target);
    return exclusively(() -> {
      Inode.Name slot = tree.slot(path);
      failIfExists(slot, path);
      return tree.make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFLNK | 0777, uid, gid, target));
    });
  }

  /** A FIFO, socket or device node: an inode of its type with its device number and no data. */
  Attr mknod(String path, int mode, long rdev, int uid, int gid, String gfid) {
    long dev = BrickNames.checkSpecial(path, mode, rdev);
    return exclusively(() -> {
      Inode.Name slot = tree.slot(path);
      failIfExists(slot, path);
      return tree.make(slot, Inode.create(slot, BrickNames.fileId(gfid), mode & (Attr.S_IFMT | 07777), uid, gid,
          null).withRdev(dev));
    });
  }

  private void failIfExists(Inode.Name slot, String path) {
    if (tree.children(slot.parent()).containsKey(slot.name())) {
      throw new BrickException(Errno.EEXIST, path + ": file exists");
    }
  }

  Attr link(String existing, String newPath) {
    return exclusively(() -> {
      Inode src = tree.find(existing);
      if (src.isDirectory()) {
        throw new BrickException(Errno.EPERM, existing + ": hard links to directories are not allowed");
      }
      Inode.Name slot = tree.slot(newPath);
      failIfExists(slot, newPath);
      return tree.attr(tree.link(src, slot));
    });
  }

  void unlink(String path) {
    exclusively(() -> {
      Inode f = tree.find(path);
      if (f.isDirectory()) {
        throw new BrickException(Errno.EISDIR, path + ": is a directory; use rmdir");
      }
      tree.unname(f, tree.slot(path));
      return null;
    });
  }

  void rmdir(String path) {
    exclusively(() -> {
      Inode d = tree.find(path);
      if (d.id().equals(InodeTree.ROOT_ID)) {
        throw new BrickException(Errno.EBUSY, "the volume root cannot be removed");
      }
      if (!d.isDirectory()) {
        throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
      }
      if (!tree.children(d.id()).isEmpty()) {
        throw new BrickException(Errno.ENOTEMPTY, path + ": directory not empty");
      }
      tree.unname(d, tree.slot(path));
      return null;
    });
  }

  void rename(String from, String to) {
    if (BrickNames.components(from).isEmpty() || BrickNames.components(to).isEmpty()) {
      throw new BrickException(Errno.EINVAL, "the volume root cannot be renamed");
    }
    exclusively(() -> {
      Inode src = tree.find(from);
      if (from.equals(to)) {
        return null;
      }
      if (src.isDirectory() && to.startsWith(from + "/")) {
        throw new BrickException(Errno.EINVAL, to + " is inside " + from + "; a directory cannot move into itself");
      }
      Inode.Name fromName = tree.slot(from);
      Inode.Name toName = tree.slot(to);
      Inode replaced = tree.findOrNull(to);
      if (replaced != null) {
        if (src.isDirectory() && !replaced.isDirectory()) {
          throw new BrickException(Errno.ENOTDIR, to + ": not a directory");
        }
        if (!src.isDirectory() && replaced.isDirectory()) {
          throw new BrickException(Errno.EISDIR, to + ": is a directory");
        }
        if (replaced.id().equals(src.id())) {
          return null; // two names of one file: rename(2) does nothing
        }
        if (replaced.isDirectory() && !tree.children(replaced.id()).isEmpty()) {
          throw new BrickException(Errno.ENOTEMPTY, to + ": directory not empty");
        }
      }
      tree.rename(src, fromName, toName, replaced);
      return null;
    });
  }

  String readlink(String path) {
    Inode i = tree.find(path);
    if (!i.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": not a symbolic link");
    }
    return i.target();
  }
}
