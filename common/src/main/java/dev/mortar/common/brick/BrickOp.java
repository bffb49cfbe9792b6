package dev.mortar.common.brick;

/**
 * The brick protocol: every operation a POSIX filesystem needs, plus what replication and heal need. A request is a
 * {@link BrickFrame} sent to {@link dev.mortar.common.api.Addresses#brick}; its header holds {@code op} and the
 * fields below ({@link BrickFields}); file data travels in the frame's data, never in JSON. A reply is a frame too;
 * a failure's code is an {@link Errno}.
 *
 * <p>Paths are absolute within the volume ({@code /dir/file}). Times are nanoseconds since the epoch. An
 * {@code attr} in a reply is an {@link Attr} in JSON.
 */
public enum BrickOp {
  /**
   * Is the brick online? Reply {@code online, pid, port, path, blames}: blames lists the bricks (indices) this brick
   * holds changes for that they missed, so that clients read nothing from those until they are healed.
   */
  STATUS,
  /** lstat: {@code path} -> {@code attr}. */
  LOOKUP,
  /** {@code path} -> {@code entries}: [{name, attr}], without "." and "..", so a listing is one request. */
  READDIR,
  /** A directory's names only. */
  NAMES,
  /** {@code path, mode, gfid} -> {@code attr}. ({@code gfid}, here and for CREATE and SYMLINK: the file ID chosen by the client, the same on every brick; made up by the brick when absent.) */
  MKDIR,
  /** {@code path}. */
  RMDIR,
  /**
   * Creates a regular file: {@code path, mode, gfid, exclusive} -> {@code attr}. Without exclusive an existing file
   * is kept. CREATE and MKDIR take {@code dirty} too: heal makes an entry that it fills afterwards, a client one it
   * writes next. With {@code owner, lease} CREATE also tries the file's write lock (as LOCK with no wait) before it
   * creates, and answers {@code locked}: a new file's first write session costs no request of its own. Data sent
   * with CREATE is the new file's first bytes, written before its name appears; they are written only where this
   * request made the file (the answer's {@code attr} then has the {@code gfid} asked for), never into a file that was
   * there already; so data without a {@code gfid} is refused (EINVAL).
   */
  CREATE,
  /** Checks that {@code path} is a regular file that can be opened: -> {@code attr}. Bricks hold no open state. */
  OPEN,
  /** {@code path, offset, size} -> data (shorter at end of file). */
  READ,
  /**
   * {@code path, offset} + data -> {@code attr} after the write. With {@code dirty} (the first write of a session),
   * the file is marked dirty before the data is written, in the same request (AFR's pre-op, without a round trip).
   * With {@code owner} (a client's write session), refused with ESTALE while another owner holds the file's lock or
   * once the owner's lease ran out and another owner took the lock: a write delayed by a network cut lands nowhere.
   */
  WRITE,
  /** {@code path, size} -> {@code attr}. */
  TRUNCATE,
  /** {@code path, dataOnly}: data (and metadata) reach the disk. */
  FSYNC,
  /** Close of one file descriptor; nothing to do on a brick that holds no open state. */
  FLUSH,
  /** Last close of a file. */
  RELEASE,
  /** {@code path}. */
  UNLINK,
  /**
   * Unlinks of many names of one directory in one request (a client's unlinks acknowledged before the bricks
   * answered, sent together while the previous ones are on their way): {@code path} (the directory), {@code names}.
   * Each is unlinked in order as UNLINK would; -> {@code failed}: [{name, errno, message}] for those that were not
   * (ENOENT included).
   */
  UNLINK_MANY,
  /** {@code path, to}: replaces {@code to} if it exists (as rename(2)). */
  RENAME,
  /** Hard link: {@code path} (existing), {@code to} (new name) -> {@code attr}. */
  LINK,
  /** {@code path} (the new link), {@code target} (stored as given, never followed here), {@code gfid} -> {@code attr}. */
  SYMLINK,
  /** {@code path} -> {@code target}. */
  READLINK,
  /** {@code path, mode} -> {@code attr}. */
  CHMOD,
  /** {@code path, uid, gid} (-1 keeps one) -> {@code attr}. */
  CHOWN,
  /** {@code path, atime, mtime} ({@link BrickFields#TIME_OMIT} keeps one, {@link BrickFields#TIME_NOW} sets now) -> {@code attr}. */
  UTIMENS,
  /** -> {@code blockSize, blocks, blocksFree, blocksAvailable, maxNameLength}. */
  STATFS,
  /** {@code path, name} -> data (the value). ENODATA when not set. */
  GETXATTR,
  /** {@code path, name, flags} + data (the value); flags: 1 = create only, 2 = replace only. */
  SETXATTR,
  /** {@code path} -> {@code names}. */
  LISTXATTR,
  /** {@code path, name}. */
  REMOVEXATTR,
  /** Replication metadata of a file, and its attributes: {@code path} -> {@code meta} ({@link FileMeta}), {@code attr}. */
  META_GET,
  /**
   * Adds to a file's replication counters atomically and durably: {@code path, dirty, dataVersion, metaVersion,
   * pending} (pending: {"brickIndex": delta}) -> {@code meta}. A file whose counters are not all zero is in the
   * heal index until they are.
   */
  META_UPDATE,
  /**
   * The ends of many write sessions in one request (a client batches them for a few milliseconds):
   * {@code sessions}: [{path, clear, owner, lockPath}]. For each, in order: with {@code clear} the dirty mark is taken
   * off (as META_UPDATE with dirty -1); then, once every mark is made (or failed), each {@code owner}'s lock is given
   * up, the lock of {@code lockPath} if the file was renamed since the session took it.
   * -> {@code failed}: one message per mark that could not be cleared (it stays: heal checks that file).
   */
  END_SESSIONS,
  /**
   * A digest of a byte range, so that heal copies only the windows that differ: {@code path, offset, size} ->
   * {@code sum} (hex) and {@code size} (bytes actually there).
   */
  CHECKSUM,
  /** The heal index: -> {@code entries}: [{gfid, path, meta}] (no meta if the path is gone). */
  INDEX_LIST,
  /**
   * Takes (or renews) the write lock of a file for {@code owner}, for {@code lease} ms; waits up to {@code wait} ms
   * for another owner to let go (EAGAIN after that). Clients take it on the first live data brick, so that every
   * brick applies the writes to a file in the same order. Held in memory: a restarted brick has no locks.
   */
  LOCK,
  /** Gives up the write lock of {@code path} held by {@code owner}. */
  UNLOCK,
  /**
   * A program's flock(2) lock of a file, for every mount of the volume: {@code gfid, owner, flock} (sh, ex or un),
   * {@code lease} ms (renewed by the mount while held). Never waits: EAGAIN while another owner holds a conflicting
   * one (the mount tries again for a blocking flock). Held in memory, by file ID, so a rename keeps it; a restarted
   * brick has none until the mounts renew theirs.
   */
  FLOCK,
  /**
   * A program's fcntl(2) record locks of a file, for every mount of the volume: {@code gfid, owner, lease} and either
   * {@code ranges} ([{start, end, write}], ends inclusive: every range the owner holds in the file from now on, none
   * to give all up), EAGAIN if one conflicts with another owner's; or {@code probe} ({start, end, write}) ->
   * {@code conflict}, the first lock of another owner in its way, absent if none (F_GETLK). Never waits.
   */
  RECORD_LOCK,
  /** F_GETLK. */
  RECORD_LOCK_PROBE;

  /**
   * A WRITE this large (a client's gathered sequential writes) starts its writeback at once, wherever it is made: on
   * the brick, or in a brick directory by a mount on its host.
   */
  public static final int WRITEBACK_NOW_BYTES = 512 << 10;
}
