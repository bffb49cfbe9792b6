package dev.mortar.brick.storage.local;

import java.nio.file.Path;
import jnr.posix.POSIX;

/**
 * A brick's files keep the access time they were made with or that a program set (utimensat), as if mounted
 * {@code noatime}: reads never move it. Each copy is read by another brick and other clients (a mount reads one
 * copy, a heal reads the source, a mount lists a directory to answer lookups), so an atime moved by reads would move
 * on one copy and not the others, behind the program's back; S3 bricks keep times the same way. Done with the
 * no-atime inode flag ({@code chattr +A}) on the directories where the brick makes files and directories, which
 * ext4 and xfs pass on to every inode made there; where the filesystem has no such flag, reads move atimes as its
 * mount options say.
 */
final class AccessTimes {
  private AccessTimes() {}

  /** {@code dir}, with the inodes made in it from now on keeping their access times. */
  static Path keptBelow(Path dir, POSIX posix) {
    InodeFlags.add(dir, InodeFlags.FS_NOATIME_FL, posix);
    return dir;
  }
}
