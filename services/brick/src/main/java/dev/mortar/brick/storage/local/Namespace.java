package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage.DirEntry;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import jnr.posix.POSIX;

/**
 * The names of a brick's files: listed, made, linked, renamed and removed, one change at a time (check-then-act
 * cannot race). A new file or directory is made under {@code .mortar/tmp} (or as an unnamed {@link NewFiles} inode),
 * given its metadata, then linked or renamed into place, so a crash never leaves a file without its ID. A name
 * change keeps the heal index right: a file's last name going takes its entry with it, and a rename takes the
 * hints along.
 */
final class Namespace {
  private final BrickPaths paths;
  private final FileAttributes attributes;
  private final ReplicaMeta meta;
  private final HealIndex index;
  private final NewFiles newFiles;
  private final Path tmp;
  private final POSIX posix;
  private final ReentrantLock lock = new ReentrantLock();

  /** @param tmp where new files and directories are made before they get their names */
  Namespace(BrickPaths paths, FileAttributes attributes, ReplicaMeta meta, HealIndex index, NewFiles newFiles,
            Path tmp, POSIX posix) {
    this.paths = paths;
    this.attributes = attributes;
    this.meta = meta;
    this.index = index;
    this.newFiles = newFiles;
    this.tmp = tmp;
    this.posix = posix;
  }

  /** Held while a name changes; whoever holds it sees no name change. */
  Lock lock() {
    return lock;
  }

  List<DirEntry> readdir(String path) {
    Path dir = paths.resolve(path);
    List<DirEntry> out = new ArrayList<>();
    for (String name : names(dir, path)) {
      try {
        out.add(new DirEntry(name, attributes.of(dir.resolve(name), path + "/" + name)));
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOENT) { // removed while listing: not an error
          throw e;
        }
      }
    }
    return out;
  }

  List<String> names(String path) {
    return names(paths.resolve(path), path);
  }

  /** One getdents pass: no file is opened or stat'ed. */
  private List<String> names(Path dir, String path) {
    attributes.requireDirectory(dir, path);
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path child : ds) {
        String name = child.getFileName().toString();
        if (!(dir.equals(paths.root()) && name.equals(BrickDirectory.META_DIR))) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return out;
  }

  Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    Path p = paths.resolve(path);
    return locked(() -> {
      failIfExists(p, path);
      Path t = tmp.resolve(UUID.randomUUID().toString());
      boolean made = false;
      try {
        Files.createDirectory(t);
        FileAttributes.setOwnerAndMode(t, mode, uid, gid, false);
        meta.write(t, ReplicaMeta.fresh(gfid));
        Files.move(t, p, StandardCopyOption.ATOMIC_MOVE);
        made = true;
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      } finally {
        if (!made) { // a full disk can fail any step: nothing half-made stays behind
          deleteQuietly(t);
        }
      }
      return attributes.of(p, path);
    });
  }

  /**
   * A new file is born dirty (its metadata and heal index entry written before its name appears), with its first
   * bytes written before its name appears too: it shows whole or not at all. A file that was there already is
   * answered as it is, marked dirty as any file.
   */
  Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid, long dirty, Buffer data) {
    Path p = paths.resolve(path);
    boolean[] existed = {false};
    Attr a = locked(() -> {
      if (paths.exists(p)) {
        if (exclusive) {
          throw new BrickException(Errno.EEXIST, path + ": file exists");
        }
        Attr there = attributes.of(p, path);
        if (there.isDirectory()) {
          throw new BrickException(Errno.EISDIR, path + ": is a directory");
        }
        existed[0] = true;
        return there;
      }
      FileMeta m = new FileMeta(BrickNames.fileId(gfid), Math.max(dirty, 0), 0, 0, Map.of());
      Runnable indexed = () -> {
        if (dirty > 0) {
          index.add(m.gfid(), path, false);
        }
      };
      if (newFiles.available()) {
        Attr fresh = newFiles.make(p, path, mode, uid, gid, ReplicaMeta.XATTR_NAME, MetaXattr.encode(m), m.gfid(),
            data, indexed);
        if (fresh != null) {
          return fresh;
        }
      }
      Path t = tmp.resolve(UUID.randomUUID().toString());
      try {
        Files.createFile(t);
        if (data.length() > 0) {
          Files.write(t, data.getBytes());
        }
        FileAttributes.setOwnerAndMode(t, mode, uid, gid, false);
        indexed.run();
        meta.write(t, m);
        Files.createLink(p, t); // atomic, and fails rather than replace
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      } finally {
        deleteQuietly(t);
      }
      return attributes.of(p, path);
    });
    if (existed[0] && dirty > 0) { // it was there already: marked as any file
      meta.update(p, path, dirty, 0, 0, Map.of());
    }
    return a;
  }

  Attr symlink(String path, String target, int uid, int gid, String gfid) {
    Path p = paths.resolve(path);
    BrickNames.checkSymlinkTarget(path, target);
    return locked(() -> makeAside(p, path, gfid, t -> {
      // The target is stored exactly as given and never followed on the brick.
      if (posix.symlink(target, t.toString()) != 0) {
        throw new BrickException(Errno.of(posix.errno()), path + ": cannot create the symbolic link");
      }
      if (uid >= 0 || gid >= 0) {
        FileAttributes.setOwnerAndMode(t, -1, uid, gid, true);
      }
    }));
  }

  /**
   * A FIFO, socket or device node, made under {@code .mortar/tmp} with mknod(2), given its owner, mode and metadata,
   * then renamed into place.
   */
  Attr mknod(String path, int mode, long rdev, int uid, int gid, String gfid) {
    long dev = BrickNames.checkSpecial(path, mode, rdev);
    Path p = paths.resolve(path);
    return locked(() -> makeAside(p, path, gfid, t -> {
      makeNode(t, mode, dev, path);
      FileAttributes.setOwnerAndMode(t, mode, uid, gid, false); // by path: chmod(2) and lchown(2) open nothing
    }));
  }

  Attr link(String existing, String newPath) {
    Path from = paths.resolve(existing);
    Path to = paths.resolve(newPath);
    return locked(() -> {
      if (attributes.of(from, existing).isDirectory()) {
        throw new BrickException(Errno.EPERM, existing + ": hard links to directories are not allowed");
      }
      try {
        Files.createLink(to, from);
      } catch (IOException e) {
        throw IoErrors.map(e, newPath);
      }
      return attributes.of(to, newPath);
    });
  }

  void unlink(String path) {
    Path p = paths.resolve(path);
    locked(() -> {
      Attr a = attributes.of(p, path);
      if (a.isDirectory()) {
        throw new BrickException(Errno.EISDIR, path + ": is a directory; use rmdir");
      }
      try {
        Files.delete(p);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      }
      if (a.nlink() <= 1) {
        meta.forget(a);
      }
      return null;
    });
  }

  void rmdir(String path) {
    Path p = paths.resolve(path);
    if (p.equals(paths.root())) {
      throw new BrickException(Errno.EBUSY, "the volume root cannot be removed");
    }
    locked(() -> {
      Attr a = attributes.of(p, path);
      if (!a.isDirectory()) {
        throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
      }
      paths.directoriesChanging();
      try {
        Files.delete(p);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      }
      meta.forget(a);
      return null;
    });
  }

  void rename(String from, String to) {
    Path src = paths.resolve(from);
    Path dst = paths.resolve(to);
    if (src.equals(paths.root()) || dst.equals(paths.root())) {
      throw new BrickException(Errno.EINVAL, "the volume root cannot be renamed");
    }
    locked(() -> {
      Attr a = attributes.of(src, from);
      if (src.equals(dst)) {
        return null;
      }
      if (a.isDirectory() && dst.startsWith(src)) {
        throw new BrickException(Errno.EINVAL, to + " is inside " + from + "; a directory cannot move into itself");
      }
      Attr replaced = null;
      if (paths.exists(dst)) {
        replaced = attributes.of(dst, to);
        if (a.isDirectory() && !replaced.isDirectory()) {
          throw new BrickException(Errno.ENOTDIR, to + ": not a directory");
        }
        if (!a.isDirectory() && replaced.isDirectory()) {
          throw new BrickException(Errno.EISDIR, to + ": is a directory");
        }
        if (replaced.ino() == a.ino()) {
          return null; // two names of one file: rename(2) does nothing
        }
      }
      if (a.isDirectory()) {
        paths.directoriesChanging();
      }
      try {
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces the target atomically
      } catch (IOException e) {
        throw IoErrors.map(e, from + " -> " + to);
      }
      if (replaced != null && replaced.nlink() <= 1) {
        meta.forget(replaced);
      }
      index.followRename(from, to, a.gfid(), a.isDirectory());
      return null;
    });
  }

  String readlink(String path) {
    Path p = paths.resolve(path);
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  /** Makes a new entry at a temporary name. */
  @FunctionalInterface
  private interface Maker {
    void make(Path t) throws IOException;
  }

  /**
   * A symlink or special file (whose metadata is a side file): made by {@code maker} under {@code .mortar/tmp}, given
   * its file ID, then renamed to {@code p}, which must not exist.
   */
  private Attr makeAside(Path p, String path, String gfid, Maker maker) {
    failIfExists(p, path);
    Path t = tmp.resolve(UUID.randomUUID().toString());
    boolean made = false;
    try {
      maker.make(t);
      meta.write(t, ReplicaMeta.fresh(gfid));
      Files.move(t, p, StandardCopyOption.ATOMIC_MOVE);
      made = true;
      return attributes.of(p, path);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    } finally {
      if (!made) { // a full disk can fail any step: nothing half-made stays behind, its side metadata neither
        meta.dropSideFile(t);
        deleteQuietly(t);
      }
    }
  }

  private void makeNode(Path t, int mode, long dev, String path) {
    if (LibC.CALLS == null) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": this brick cannot make FIFOs or device nodes (no libc)");
    }
    int made;
    try {
      made = LibC.CALLS.mknod(t.toString(), mode & (Attr.S_IFMT | 07777), dev);
    } catch (UnsatisfiedLinkError old) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": this brick's libc has no mknod (glibc 2.33 or later has)");
    }
    if (made != 0) {
      Errno e = Errno.of(posix.errno());
      throw new BrickException(e, path + ": cannot make it (" + e.name() + ")");
    }
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private void failIfExists(Path p, String path) {
    if (paths.exists(p)) {
      throw new BrickException(Errno.EEXIST, path + ": file exists");
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a leftover in .mortar/tmp is cleared at the next start
    }
  }
}
