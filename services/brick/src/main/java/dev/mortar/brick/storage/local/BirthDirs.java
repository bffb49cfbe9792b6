package dev.mortar.brick.storage.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import jnr.posix.POSIX;

/**
 * Where a brick's new files get their inodes. ext4 without a journal makes every new inode skip, one by one, each
 * free inode of its block group that was freed in the last minute or more ({@code recently_deleted()} in
 * {@code __ext4_new_inode}). Creating small files after a large delete then cost a brick 0.5 ms of CPU per file,
 * 70% of its time. An {@code O_TMPFILE} inode is taken in the block group of the directory it is opened in, not of
 * the one it is later linked into, so the brick opens new files in a directory of its own and, when that gets slow,
 * moves on to the next of a ring of such directories. ext4 spreads them over block groups because their parent is
 * marked a top of directory hierarchies for its Orlov allocator ({@code chattr +T}). Where opens stay fast (a
 * journal, xfs) the first directory is kept. The directories stay empty: the files are linked elsewhere.
 */
final class BirthDirs {
  private static final Logger LOG = Logger.getLogger(BirthDirs.class.getName());
  /** Directories in the ring; a group left for being slow is tried again after the others. */
  static final int RING = 16;
  /** An open slower than this, on average, means the group is full of recently freed inodes. */
  static final long SLOW_NANOS = 150_000;

  private final Path root;
  private final POSIX posix;
  private volatile Path current;
  private int slot;
  private double averageNanos;

  /**
   * Uses (and makes) {@code root}, marked as a top directory where the filesystem has that flag. Its directories
   * pass on no-atime to the files born there ({@link AccessTimes}).
   */
  BirthDirs(Path root, POSIX posix) throws IOException {
    this.root = Files.createDirectories(root);
    this.posix = posix;
    if (!InodeFlags.add(root, InodeFlags.FS_TOPDIR_FL, posix)) {
      // Not ext2/3/4: that allocator has no such flag, and no such cost either.
      LOG.fine(root + ": not marked a top directory");
    }
    this.current = AccessTimes.keptBelow(Files.createDirectories(root.resolve("0")), posix);
  }

  /** The directory to open the next new file in. */
  Path current() {
    return current;
  }

  /**
   * The open of a new file in {@link #current} took {@code nanos}: a slow run of them moves to the next one. One
   * open held up by a busy machine does not (each counts for at most a millisecond, a 32nd of the average).
   */
  synchronized void opened(long nanos) {
    averageNanos += (Math.min(nanos, 1_000_000) - averageNanos) / 32;
    if (averageNanos <= SLOW_NANOS) {
      return;
    }
    int next = (slot + 1) % RING;
    try {
      current = AccessTimes.keptBelow(Files.createDirectories(root.resolve(Integer.toString(next))), posix);
      slot = next;
      LOG.fine(root + ": new files' inodes now in " + current + " (the last took "
          + Math.round(averageNanos / 1_000) + " us on average to allocate)");
    } catch (IOException e) {
      LOG.fine(root + ": staying with " + current + ": " + e); // a full disk: the open says so itself
    }
    averageNanos = 0;
  }
}
