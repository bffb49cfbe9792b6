package dev.mortar.common.brick;

/**
 * The operations of the brick protocol, as named on the wire (a request frame's {@code op}) and in the metrics. Each
 * operation's request and reply are records, documented in {@code dev.mortar.common.brick.api.Requests} and
 * {@code dev.mortar.common.brick.api.Replies}.
 */
public enum BrickOp {
  /** Is the brick online, and whom does it blame. */
  STATUS,
  /** lstat. */
  LOOKUP,
  /** A directory's entries with their attributes. */
  READDIR,
  /** A directory's names only. */
  NAMES,
  /** mkdir. */
  MKDIR,
  /** rmdir. */
  RMDIR,
  /** A regular file, with its first bytes and its write lock if asked. */
  CREATE,
  /** Checks that a regular file can be opened. */
  OPEN,
  /** Reads a byte range. */
  READ,
  /** Writes a byte range, marking the file dirty first if asked. */
  WRITE,
  /** truncate. */
  TRUNCATE,
  /** fsync. */
  FSYNC,
  /** unlink. */
  UNLINK,
  /** Unlinks of many names of one directory. */
  UNLINK_MANY,
  /** rename. */
  RENAME,
  /** A hard link. */
  LINK,
  /** symlink. */
  SYMLINK,
  /** mknod: a FIFO, a socket or a device node. */
  MKNOD,
  /** readlink. */
  READLINK,
  /** chmod. */
  CHMOD,
  /** chown. */
  CHOWN,
  /** utimensat. */
  UTIMENS,
  /** statfs. */
  STATFS,
  /** getxattr. */
  GETXATTR,
  /** setxattr. */
  SETXATTR,
  /** listxattr. */
  LISTXATTR,
  /** removexattr. */
  REMOVEXATTR,
  /** A file's replication metadata and attributes. */
  META_GET,
  /** Adds to a file's replication counters. */
  META_UPDATE,
  /** The ends of many write sessions: dirty marks cleared, then locks given up. */
  END_SESSIONS,
  /** A digest of a byte range. */
  CHECKSUM,
  /** The heal index. */
  INDEX_LIST,
  /** Takes or renews a file's write lock. */
  LOCK,
  /** Gives up a file's write lock. */
  UNLOCK,
  /** A program's flock(2) lock. */
  FLOCK,
  /** A program's fcntl(2) record locks. */
  RECORD_LOCK,
  /** F_GETLK: the record lock in the way of a probe. */
  RECORD_LOCK_PROBE;

  /**
   * A WRITE this large (a client's gathered sequential writes) starts its writeback at once, wherever it is made: on
   * the brick, or in a brick directory by a mount on its host.
   */
  public static final int WRITEBACK_NOW_BYTES = 512 << 10;
}
