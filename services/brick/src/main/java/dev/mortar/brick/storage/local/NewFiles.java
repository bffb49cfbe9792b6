package dev.mortar.brick.storage.local;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.logging.Logger;
import jnr.posix.FileStat;
import jnr.posix.NanosecondFileStat;
import jnr.posix.POSIX;

/**
 * A new regular file made whole before its name appears, through a file descriptor: {@code open(O_TMPFILE)}, owner,
 * mode and metadata set on the descriptor, then {@code linkat} gives it its name (failing, never replacing, if the
 * name exists). Seven system calls where paths and a temporary name took about twenty, and no temporary file is
 * left by a crash. The file is opened in one of the brick's {@link BirthDirs} (see there why), or in its own
 * directory where that is another filesystem than the brick's root.
 *
 * <p>Where the filesystem has no {@code O_TMPFILE} (older overlayfs, some network filesystems) or the platform's
 * flag value is not known here ({@link LibC}), {@link #available} is false and the brick makes files the
 * portable way.
 */
final class NewFiles {
  private static final Logger LOG = Logger.getLogger(NewFiles.class.getName());
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_FOLLOW = 0x400;

  private final POSIX posix;
  private final BirthDirs births;
  private final LibC.Calls libc = LibC.X86_64;
  private volatile boolean available;

  NewFiles(POSIX posix, BirthDirs births) {
    this.posix = posix;
    this.births = births;
    this.available = libc != null && posix.isNative();
  }

  boolean available() {
    return available;
  }

  /**
   * Makes {@code target} (whose name must not exist) with {@code xattr} set to {@code value}; its attributes as made.
   * Returns null, and turns this way off for good, when the filesystem has no O_TMPFILE: the caller then makes the
   * file the portable way. {@code beforeName} runs after the file is whole and before its name appears.
   */
  Attr make(Path target, String path, int mode, int uid, int gid, String xattr, byte[] value, String gfid,
      Buffer data, Runnable beforeName) {
    try {
      return makeIn(births.current(), true, target, path, mode, uid, gid, xattr, value, gfid, data, beforeName);
    } catch (BrickException e) {
      if (e.errno() != Errno.EXDEV) {
        throw e;
      }
      // A filesystem mounted inside the brick: its files are born in it.
      return makeIn(target.getParent(), false, target, path, mode, uid, gid, xattr, value, gfid, data, beforeName);
    }
  }

  private Attr makeIn(Path dir, boolean birth, Path target, String path, int mode, int uid, int gid, String xattr,
      byte[] value, String gfid, Buffer data, Runnable beforeName) {
    long t0 = System.nanoTime();
    int fd = posix.open(dir.toString(), LibC.O_TMPFILE_X86_64 | LibC.O_RDWR, mode & 07777);
    if (birth) {
      births.opened(System.nanoTime() - t0);
    }
    if (fd < 0) {
      int errno = posix.errno();
      if (errno == Errno.EOPNOTSUPP.code || errno == Errno.EISDIR.code || errno == Errno.EINVAL.code) {
        available = false;
        LOG.info("the filesystem under " + dir + " has no O_TMPFILE (errno " + errno
            + "): new files are made the portable way");
        return null;
      }
      throw fail(errno, path + ": cannot create the file");
    }
    try {
      if ((uid >= 0 || gid >= 0) && posix.fchown(fd, uid, gid) != 0) {
        throw fail(posix.errno(), path + ": cannot set the owner");
      }
      // After chown, which clears set-id bits; and not subject to the umask, as open's mode is.
      if (posix.fchmod(fd, mode & 07777) != 0) {
        throw fail(posix.errno(), path + ": cannot set the mode");
      }
      if (libc.fsetxattr(fd, xattr, value, value.length, 0) != 0) {
        throw fail(posix.errno(), path + ": cannot write its metadata");
      }
      writeAll(fd, data.getBytes(), path);
      beforeName.run();
      if (libc.linkat(AT_FDCWD, "/proc/self/fd/" + fd, AT_FDCWD, target.toString(), AT_SYMLINK_FOLLOW) != 0) {
        throw fail(posix.errno(), path + ": cannot give the file its name");
      }
      FileStat st = posix.allocateStat();
      if (posix.fstat(fd, st) != 0) {
        throw fail(posix.errno(), path + ": cannot read its attributes");
      }
      NanosecondFileStat ns = st instanceof NanosecondFileStat n ? n : null;
      return new Attr(gfid, st.ino(), st.mode(), st.nlink(), st.uid(), st.gid(), st.st_size(),
          (st.st_size() + 511) / 512, nanos(st.atime(), ns == null ? 0 : ns.aTimeNanoSecs()),
          nanos(st.mtime(), ns == null ? 0 : ns.mTimeNanoSecs()), nanos(st.ctime(), ns == null ? 0 : ns.cTimeNanoSecs()));
    } finally {
      posix.close(fd);
    }
  }

  private void writeAll(int fd, byte[] bytes, String path) {
    for (int at = 0; at < bytes.length; ) {
      byte[] rest = at == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, at, bytes.length);
      long n = posix.pwrite(fd, rest, rest.length, at); // short only on a full disk or a signal
      if (n <= 0) {
        throw fail(n < 0 ? posix.errno() : Errno.ENOSPC.code, path + ": cannot write its first bytes");
      }
      at += (int) n;
    }
  }

  private static long nanos(long seconds, long nanos) {
    return seconds * 1_000_000_000L + nanos;
  }

  private static BrickException fail(int errno, String what) {
    Errno e = Errno.of(errno);
    return new BrickException(e, what + " (" + e.name() + ")");
  }
}
