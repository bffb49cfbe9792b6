package dev.mortar.brick.storage.local;

import java.nio.file.Path;
import java.util.logging.Logger;
import jnr.posix.POSIX;

/**
 * A directory's inode flags ({@code chattr}), where the filesystem has them (ext2/3/4, xfs, btrfs): set with
 * FS_IOC_SETFLAGS, best effort.
 */
final class InodeFlags {
  private static final Logger LOG = Logger.getLogger(InodeFlags.class.getName());
  private static final long FS_IOC_GETFLAGS = 0x80086601L;
  private static final long FS_IOC_SETFLAGS = 0x40086602L;
  /** {@code chattr +A}: no access time updates; passed on to the inodes made in the directory. */
  static final int FS_NOATIME_FL = 0x00000080;
  /** {@code chattr +T}: a top of directory hierarchies for ext4's Orlov allocator. */
  static final int FS_TOPDIR_FL = 0x00020000;

  private InodeFlags() {}

  /** Adds {@code flag} to directory {@code dir}'s flags unless it has it; false where that cannot be done. */
  static boolean add(Path dir, int flag, POSIX posix) {
    LibC.Calls libc = LibC.X86_64;
    if (libc == null || !posix.isNative()) {
      return false;
    }
    int fd = posix.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY_X86_64, 0);
    if (fd < 0) {
      return false;
    }
    try {
      int[] flags = new int[1];
      if (libc.ioctl(fd, FS_IOC_GETFLAGS, flags) != 0
          || (flags[0] & flag) == 0 && libc.ioctl(fd, FS_IOC_SETFLAGS, new int[] {flags[0] | flag}) != 0) {
        LOG.fine(dir + ": inode flag " + Integer.toHexString(flag) + " not set (errno " + posix.errno() + ")");
        return false;
      }
      return true;
    } finally {
      posix.close(fd);
    }
  }
}
