package dev.mortar.brick.storage.local;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Requests;
import java.nio.file.Path;
import jnr.posix.POSIX;

/**
 * A brick file's access and modification times, set with utimensat(2) as a program sets them: to the nanosecond,
 * before 1970 and after 2038, on a symbolic link itself, one of them alone (the other UTIME_OMIT). Java's file
 * attribute views cannot: they lose times before 1970 that are not whole seconds, and set a link's to the
 * microsecond.
 */
final class FileTimes {
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_NOW = (1L << 30) - 1;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final long NANOS = 1_000_000_000L;

  private final BrickPaths paths;
  private final FileAttributes attributes;
  private final POSIX posix;

  FileTimes(BrickPaths paths, FileAttributes attributes, POSIX posix) {
    this.paths = paths;
    this.attributes = attributes;
    this.posix = posix;
  }

  /** Sets the times (nanoseconds since the epoch, or {@link Requests.Utimens#OMIT} or {@code NOW}). */
  Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    Path p = paths.resolve(path);
    if (posix.utimensat(AT_FDCWD, p.toString(), timespec(atimeNanos), timespec(mtimeNanos), AT_SYMLINK_NOFOLLOW)
        != 0) {
      Errno e = Errno.of(posix.errno());
      throw new BrickException(e, path + ": cannot set its times (" + e.name() + ")");
    }
    return attributes.of(p, path);
  }

  /** {seconds, nanoseconds}: the nanoseconds count up from the second before, for times before 1970 too. */
  static long[] timespec(long nanos) {
    if (nanos == Requests.Utimens.OMIT) {
      return new long[] {0, UTIME_OMIT};
    }
    if (nanos == Requests.Utimens.NOW) {
      return new long[] {0, UTIME_NOW};
    }
    return new long[] {Math.floorDiv(nanos, NANOS), Math.floorMod(nanos, NANOS)};
  }
}
