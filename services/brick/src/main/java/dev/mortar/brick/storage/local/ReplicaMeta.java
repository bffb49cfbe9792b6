package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.MetaCounters;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import jnr.posix.POSIX;

/**
 * The replication metadata ({@link FileMeta}) of each file of a brick on local disk, and its counters. It is one
 * extended attribute, {@code user.mortar.meta}, written in one call (atomic); symbolic links, FIFOs, sockets and
 * device nodes cannot carry user xattrs (and a FIFO or device must not be opened), so theirs is a small file under
 * {@code .mortar/ino/<inode>}. A file that is not clean has an entry in the {@link HealIndex}: made before the
 * metadata that needs it (fsynced when it records a blame), removed only after the metadata is clean again.
 */
final class ReplicaMeta {
  /** The attribute's name without its {@code user.} namespace, as Java's view names it. */
  static final String XATTR = "mortar.meta";
  /** The attribute's full name, as the system calls name it. */
  static final String XATTR_NAME = "user." + XATTR;
  private static final int READ_GUESS = 1024;
  private static final byte[] NONE = new byte[0];
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final BrickPaths paths;
  private final Path tmp;
  private final Path sideDir;
  private final HealIndex index;
  private final POSIX posix;
  /** Read-modify-write of the counters. */
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * @param tmp     where a side file is written before it is renamed into place
   * @param sideDir the side files, by inode number (made if missing)
   */
  ReplicaMeta(BrickPaths paths, Path tmp, Path sideDir, HealIndex index, POSIX posix) throws IOException {
    this.paths = paths;
    this.tmp = tmp;
    this.sideDir = Files.createDirectories(sideDir);
    this.index = index;
    this.posix = posix;
  }

  /** Fresh metadata: the file ID {@code gfid} (null: a new one), clean counters. */
  static FileMeta fresh(String gfid) {
    return new FileMeta(BrickNames.fileId(gfid), 0, 0, 0, Map.of());
  }

  /** The file's metadata; null if it has none, or it cannot be stat'ed. */
  FileMeta read(Path p) {
    try {
      return read(p, (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW));
    } catch (IOException e) {
      return null;
    }
  }

  /** The metadata of the file {@code p} whose mode (its type) is known; null if it has none. */
  FileMeta read(Path p, int mode) {
    try {
      byte[] raw;
      if (keptAside(mode)) {
        Path f = sideFile(p);
        if (!Files.exists(f)) {
          return null;
        }
        raw = Files.readAllBytes(f);
      } else if ((raw = lgetxattr(p)) != null) {
        if (raw == NONE) {
          return null;
        }
      } else {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
        // One getxattr on the hot path (every stat): the metadata is small; ask for its size only if it is not.
        ByteBuffer buf = ByteBuffer.allocate(READ_GUESS);
        try {
          v.read(XATTR, buf);
        } catch (FileSystemException e) {
          String why = String.valueOf(e.getReason());
          if (why.contains("No data available")) {
            return null;
          }
          if (!why.contains("Numerical result out of range")) {
            throw e;
          }
          buf = ByteBuffer.allocate(v.size(XATTR));
          v.read(XATTR, buf);
        }
        raw = Arrays.copyOf(buf.array(), buf.position());
      }
      try {
        return MetaXattr.decode(raw);
      } catch (RuntimeException bad) {
        throw new BrickException(Errno.EIO, paths.describe(p) + ": its replication metadata is unreadable ("
            + bad.getMessage() + "); remove the attribute " + XATTR_NAME + " from the file in the brick and run"
            + " 'volume heal VOLUME full'");
      }
    } catch (IOException e) {
      throw IoErrors.map(e, paths.describe(p) + " (metadata)");
    }
  }

  /**
   * The metadata attribute in one lgetxattr (Java's view opens and closes the file around its getxattr):
   * {@link #NONE} if the file has none; null to take the portable way (no native call here, or a value larger
   * than the guess).
   */
  private byte[] lgetxattr(Path p) {
    LibC.Calls libc = LibC.X86_64;
    if (libc == null) {
      return null;
    }
    byte[] buf = new byte[READ_GUESS];
    long n = libc.lgetxattr(p.toString(), XATTR_NAME, buf, buf.length);
    if (n >= 0) {
      return Arrays.copyOf(buf, (int) n);
    }
    int errno = posix.errno();
    if (errno == Errno.ENODATA.code) {
      return NONE;
    }
    if (errno == Errno.ERANGE.code) {
      return null;
    }
    Errno e = Errno.of(errno);
    throw new BrickException(e, paths.describe(p) + ": cannot read its metadata (" + e.name() + ")");
  }

  /** One setxattr call (or one rename of a side file): the old or the new metadata, never half of it. */
  void write(Path p, FileMeta m) {
    byte[] raw = MetaXattr.encode(m);
    try {
      if (keptAside((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW))) {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        Files.write(t, raw);
        Files.move(t, sideFile(p), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW)
            .write(XATTR, ByteBuffer.wrap(raw));
      }
    } catch (IOException e) {
      throw IoErrors.map(e, paths.describe(p) + " (metadata)");
    }
  }

  /** The file's metadata, first given it if it has none (files put into a brick directory by hand). */
  FileMeta get(Path p, String path) {
    lock.lock();
    try {
      return ensure(p, path);
    } finally {
      lock.unlock();
    }
  }

  private FileMeta ensure(Path p, String path) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    FileMeta m = read(p, mode);
    if (m == null) {
      m = fresh(null);
      write(p, m);
    }
    return m;
  }

  /** Adds the deltas to the file's counters ({@link MetaCounters#add}); a blame is durable before this returns. */
  FileMeta update(Path p, String path, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending) {
    lock.lock();
    try {
      FileMeta cur = ensure(p, path);
      FileMeta next = MetaCounters.add(path, cur, dirty, dataVersion, metaVersion, pending);
      // A blame (another brick missed a change) is on disk before this returns, index entry first: the client
      // acknowledges the write only then. Dirty marks and clears go through the filesystem's journal in order
      // without an fsync each (as GlusterFS's pre-op): a killed process loses neither, and a lost clear only
      // means the file is checked by heal once more.
      boolean blames = MetaCounters.blames(pending);
      if (!next.clean()) {
        index.add(next.gfid(), path, blames);
      }
      write(p, next);
      if (blames) {
        sync(p);
      }
      if (next.clean() && !cur.clean()) {
        index.remove(next.gfid());
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  private void sync(Path p) {
    try {
      if (keptAside((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW))) {
        try (FileChannel ch = FileChannel.open(sideFile(p), StandardOpenOption.READ)) {
          ch.force(true);
        }
        try (FileChannel d = FileChannel.open(sideDir, StandardOpenOption.READ)) {
          d.force(true);
        }
      } else {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
          ch.force(true); // the inode, xattrs included
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, paths.describe(p) + " (metadata)");
    }
  }

  /**
   * The last name of a file is gone: its heal-index entry and side metadata go too.
   *
   * @param a the file's attributes from before it went
   */
  void forget(Attr a) {
    if (a.gfid() != null) {
      index.removeIfPresent(a.gfid());
    }
    if (keptAside(a.mode())) {
      deleteQuietly(sideDir.resolve(String.valueOf(a.ino())));
    }
  }

  /** Removes the side metadata of {@code p} (a symbolic link or special file), if any: it is not made after all. */
  void dropSideFile(Path p) {
    try {
      deleteQuietly(sideFile(p));
    } catch (IOException notMade) {
      // no file, no side metadata
    }
  }

  private Path sideFile(Path p) throws IOException {
    return sideDir.resolve(String.valueOf(Files.getAttribute(p, "unix:ino", NOFOLLOW)));
  }

  /** Whether a file of this type keeps its metadata in a side file: all but regular files and directories. */
  static boolean keptAside(int mode) {
    int type = mode & Attr.S_IFMT;
    return type != Attr.S_IFREG && type != Attr.S_IFDIR;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
