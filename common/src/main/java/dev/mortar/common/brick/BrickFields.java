package dev.mortar.common.brick;

/** Header field names of brick frames (see {@link BrickOp}). */
public final class BrickFields {
  public static final String OP = "op";
  public static final String PATH = "path";
  public static final String TO = "to";
  public static final String TARGET = "target";
  public static final String MODE = "mode";
  public static final String UID = "uid";
  public static final String GID = "gid";
  public static final String OFFSET = "offset";
  public static final String SIZE = "size";
  public static final String ATIME = "atime";
  public static final String MTIME = "mtime";
  public static final String NAME = "name";
  public static final String NAMES = "names";
  public static final String FLAGS = "flags";
  public static final String EXCLUSIVE = "exclusive";
  public static final String DATA_ONLY = "dataOnly";
  public static final String ATTR = "attr";
  public static final String ENTRIES = "entries";
  /** READDIR: only the names (in {@link #NAMES}), no attributes: what a client needs to answer lookups of absent names. */
  public static final String NAMES_ONLY = "namesOnly";
  public static final String META = "meta";
  public static final String DIRTY = "dirty";
  public static final String DATA_VERSION = "dataVersion";
  public static final String META_VERSION = "metaVersion";
  public static final String PENDING = "pending";
  public static final String OWNER = "owner";
  /** END_SESSIONS: where a session's lock was taken, when the file was renamed since (else its path). */
  public static final String LOCK_PATH = "lockPath";
  /** FLOCK: the lock wanted, one of {@link #FLOCK_SHARED}, {@link #FLOCK_EXCLUSIVE}, {@link #FLOCK_UNLOCK}. */
  public static final String FLOCK = "flock";
  public static final String FLOCK_SHARED = "sh";
  public static final String FLOCK_EXCLUSIVE = "ex";
  public static final String FLOCK_UNLOCK = "un";
  /** RECORD_LOCK: the ranges an owner holds, a range to probe, the lock in its way; a range's fields. */
  public static final String RANGES = "ranges";
  public static final String PROBE = "probe";
  public static final String CONFLICT = "conflict";
  public static final String START = "start";
  public static final String END = "end";
  public static final String WRITE = "write";
  /** CREATE, MKDIR, SYMLINK: the file ID the client chose, so that every copy of the file has the same one. */
  public static final String GFID = "gfid";
  public static final String LEASE = "lease";
  public static final String SUM = "sum";
  public static final String BLAMES = "blames";
  public static final String WAIT = "wait";
  /** STATUS: the brick root's device:inode where it is a local directory (see LocalDiskStorage). */
  public static final String ROOT_ID = "rootId";
  /** STATUS: bytes free for writes on the brick's filesystem, as of its last look (at most a second ago). */
  public static final String AVAIL_BYTES = "availBytes";
  /** END_SESSIONS: the sessions to end, and whether an entry's dirty mark is cleared. */
  public static final String SESSIONS = "sessions";
  public static final String CLEAR = "clear";
  public static final String FAILED = "failed";
  /** UNLINK_MANY: a failed name's errno (its name, as {@code ENOENT}) and why. */
  public static final String ERRNO = "errno";
  public static final String MESSAGE = "message";
  /** Reply of a CREATE that asked for the lock ({@code owner, lease}): whether this brick granted it. */
  public static final String LOCKED = "locked";

  /** utimens: leave this time as it is. */
  public static final long TIME_OMIT = -1;
  /** utimens: set this time to now. */
  public static final long TIME_NOW = -2;
  /** setxattr flags (as XATTR_CREATE / XATTR_REPLACE). */
  public static final int XATTR_CREATE = 1;
  public static final int XATTR_REPLACE = 2;

  private BrickFields() {}
}
