package dev.mortar.common.brick.api;

import dev.mortar.common.brick.LockRange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * The requests of the brick protocol, one record per operation (see {@link BrickApi}). Paths are absolute within
 * the volume ({@code /dir/file}); times are nanoseconds since the epoch. A {@code Buffer} field is file data: it
 * travels as the frame's data, never in JSON.
 */
public final class Requests {
  private Requests() {}

  /** The lock a {@link Flock} asks for. */
  public enum FlockType { SHARED, EXCLUSIVE, UNLOCK }

  /** One write session to end: its dirty mark cleared where {@code clear}, then its owner's lock given up (the lock of {@code lockPath} if the file was renamed since the session took it). */
  public record SessionEnd(String path, boolean clear, @Nullable String owner, @Nullable String lockPath) {}

  /** STATUS: Is the brick online, and whom does it blame? Answered on the brick's event loop. */
  public record Status() implements BrickRequest<Replies.StatusReply> {
    public static final Status INSTANCE = new Status();

    @Override
    public Future<Replies.StatusReply> applyTo(BrickApi brick) {
      return brick.status(this);
    }
  }

  /** LOOKUP: lstat. */
  public record Lookup(String path) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.lookup(this);
    }
  }

  /** READDIR: A directory's entries with their attributes, without "." and "..": a listing is one request. */
  public record Readdir(String path) implements BrickRequest<Replies.EntriesReply> {
    @Override
    public Future<Replies.EntriesReply> applyTo(BrickApi brick) {
      return brick.readdir(this);
    }
  }

  /** NAMES: A directory's names only: what a client needs to answer lookups of absent names. */
  public record ListNames(String path) implements BrickRequest<Replies.NamesReply> {
    @Override
    public Future<Replies.NamesReply> applyTo(BrickApi brick) {
      return brick.listNames(this);
    }
  }

  /** MKDIR: {@code gfid}: the file ID chosen by the client, the same on every brick (made up by the brick when absent); {@code dirty}: heal makes an entry it fills afterwards. */
  public record Mkdir(String path, int mode, int uid, int gid, @Nullable String gfid, long dirty) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.mkdir(this);
    }
  }

  /** RMDIR: An empty directory. */
  public record Rmdir(String path) implements BrickRequest<Replies.DirsReply> {
    @Override
    public Future<Replies.DirsReply> applyTo(BrickApi brick) {
      return brick.rmdir(this);
    }
  }

  /** CREATE: A regular file. Without {@code exclusive} an existing file is kept. With {@code owner} the file's write lock is tried first (as {@link Lock} with no wait) for {@code lease} ms, and the reply says whether it was granted. {@code data} is the new file's first bytes, written only where this request made the file (the reply's gfid is then {@code gfid}), so data needs a gfid (EINVAL). */
  public record Create(String path, int mode, int uid, int gid, @Nullable String gfid, boolean exclusive, long dirty, @Nullable String owner, long lease, Buffer data) implements BrickRequest<Replies.CreateReply> {
    @Override
    public Future<Replies.CreateReply> applyTo(BrickApi brick) {
      return brick.create(this);
    }
  }

  /** OPEN: Checks that the path is a regular file that can be opened. Bricks hold no open state. */
  public record Open(String path) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.open(this);
    }
  }

  /** READ: Data, shorter at the end of the file. */
  public record Read(String path, long offset, int size) implements BrickRequest<Replies.DataReply> {
    @Override
    public Future<Replies.DataReply> applyTo(BrickApi brick) {
      return brick.read(this);
    }
  }

  /** WRITE: With {@code dirty} (the first write of a session) the file is marked dirty before the data is written, in the same request (AFR's pre-op). With {@code owner} (a client's write session) refused with ESTALE once the owner's lock was lost to another writer: a write delayed by a network cut lands nowhere. */
  public record Write(String path, long offset, long dirty, @Nullable String owner, Buffer data) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.write(this);
    }
  }

  /** TRUNCATE. */
  public record Truncate(String path, long size) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.truncate(this);
    }
  }

  /** FSYNC: Data (and metadata) reach the disk. */
  public record Fsync(String path, boolean dataOnly) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.fsync(this);
    }
  }

  /** UNLINK. */
  public record Unlink(String path) implements BrickRequest<Replies.DirsReply> {
    @Override
    public Future<Replies.DirsReply> applyTo(BrickApi brick) {
      return brick.unlink(this);
    }
  }

  /** UNLINK_MANY: Unlinks of many names of the directory {@code path}, in order, as {@link Unlink} would (a client's unlinks acknowledged before the bricks answered); the reply lists those that failed, ENOENT included. */
  public record UnlinkMany(String path, List<String> names) implements BrickRequest<Replies.UnlinkManyReply> {
    @Override
    public Future<Replies.UnlinkManyReply> applyTo(BrickApi brick) {
      return brick.unlinkMany(this);
    }
  }

  /** RENAME: Replaces {@code to} if it exists, as rename(2). */
  public record Rename(String path, String to) implements BrickRequest<Replies.DirsReply> {
    @Override
    public Future<Replies.DirsReply> applyTo(BrickApi brick) {
      return brick.rename(this);
    }
  }

  /** LINK: A hard link {@code to} of the existing {@code path}. */
  public record Link(String path, String to) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.link(this);
    }
  }

  /** SYMLINK: {@code target} is stored as given, never followed here. */
  public record Symlink(String path, String target, int uid, int gid, @Nullable String gfid) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.symlink(this);
    }
  }

  /** MKNOD: A FIFO, a socket, or a character or block device ({@code rdev} its number, 0 for the others): {@code mode} holds the type and the permissions. Any other type is EINVAL (a regular file is a {@link Create}). {@code gfid} and {@code dirty} as for {@link Mkdir}. */
  public record Mknod(String path, int mode, long rdev, int uid, int gid, @Nullable String gfid, long dirty) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.mknod(this);
    }
  }

  /** READLINK. */
  public record Readlink(String path) implements BrickRequest<Replies.TargetReply> {
    @Override
    public Future<Replies.TargetReply> applyTo(BrickApi brick) {
      return brick.readlink(this);
    }
  }

  /** CHMOD. */
  public record Chmod(String path, int mode) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.chmod(this);
    }
  }

  /** CHOWN: -1 keeps one. */
  public record Chown(String path, int uid, int gid) implements BrickRequest<Replies.AttrReply> {
    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.chown(this);
    }
  }

  /**
   * UTIMENS: Nanoseconds since the epoch (negative before 1970); {@link #OMIT} keeps one, {@link #NOW} sets now.
   * The two are no time a file can have, not even -1 ns.
   */
  public record Utimens(String path, long atime, long mtime) implements BrickRequest<Replies.AttrReply> {
    /** Leave this time as it is. */
    public static final long OMIT = Long.MIN_VALUE;
    /** Set this time to now. */
    public static final long NOW = Long.MIN_VALUE + 1;

    @Override
    public Future<Replies.AttrReply> applyTo(BrickApi brick) {
      return brick.utimens(this);
    }
  }

  /** STATFS. */
  public record Statfs() implements BrickRequest<Replies.StatfsReply> {
    public static final Statfs INSTANCE = new Statfs();

    @Override
    public Future<Replies.StatfsReply> applyTo(BrickApi brick) {
      return brick.statfs(this);
    }
  }

  /** GETXATTR: The value; ENODATA when not set. */
  public record GetXattr(String path, String name) implements BrickRequest<Replies.DataReply> {
    @Override
    public Future<Replies.DataReply> applyTo(BrickApi brick) {
      return brick.getXattr(this);
    }
  }

  /** SETXATTR: {@code flags}: {@link #CREATE} only, {@link #REPLACE} only, or 0. */
  public record SetXattr(String path, String name, int flags, Buffer value) implements BrickRequest<Replies.Done> {
    /** As XATTR_CREATE and XATTR_REPLACE. */
    public static final int CREATE = 1;
    public static final int REPLACE = 2;

    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.setXattr(this);
    }
  }

  /** LISTXATTR. */
  public record ListXattr(String path) implements BrickRequest<Replies.NamesReply> {
    @Override
    public Future<Replies.NamesReply> applyTo(BrickApi brick) {
      return brick.listXattr(this);
    }
  }

  /** REMOVEXATTR. */
  public record RemoveXattr(String path, String name) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.removeXattr(this);
    }
  }

  /** META_GET: A file's replication metadata, and its attributes. */
  public record MetaGet(String path) implements BrickRequest<Replies.MetaReply> {
    @Override
    public Future<Replies.MetaReply> applyTo(BrickApi brick) {
      return brick.metaGet(this);
    }
  }

  /** META_UPDATE: Adds to a file's replication counters atomically and durably ({@code pending}: brick index to delta, the changes that brick missed). A file whose counters are not all zero is in the heal index until they are. */
  public record MetaUpdate(String path, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending) implements BrickRequest<Replies.MetaReply> {
    @Override
    public Future<Replies.MetaReply> applyTo(BrickApi brick) {
      return brick.metaUpdate(this);
    }
  }

  /** END_SESSIONS: The ends of many write sessions (a client batches them for a few milliseconds): each mark is cleared first, then each lock given up. */
  public record EndSessions(List<SessionEnd> sessions) implements BrickRequest<Replies.EndSessionsReply> {
    @Override
    public Future<Replies.EndSessionsReply> applyTo(BrickApi brick) {
      return brick.endSessions(this);
    }
  }

  /** CHECKSUM: A digest of a byte range, so that heal copies only the windows that differ. */
  public record Checksum(String path, long offset, int size) implements BrickRequest<Replies.ChecksumReply> {
    @Override
    public Future<Replies.ChecksumReply> applyTo(BrickApi brick) {
      return brick.checksum(this);
    }
  }

  /** INDEX_LIST: The heal index. */
  public record IndexList() implements BrickRequest<Replies.IndexReply> {
    public static final IndexList INSTANCE = new IndexList();

    @Override
    public Future<Replies.IndexReply> applyTo(BrickApi brick) {
      return brick.indexList(this);
    }
  }

  /** LOCK: Takes (or renews) the write lock of a file for {@code owner}, for {@code lease} ms; waits up to {@code waitMs} ms for another owner to let go (EAGAIN after that). Clients take it on the first live data brick, so that every brick applies the writes to a file in the same order. Held in memory: a restarted brick has no locks. */
  public record Lock(String path, String owner, long lease, long waitMs) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.lock(this);
    }
  }

  /** UNLOCK: Gives up the write lock of {@code path} held by {@code owner}. */
  public record Unlock(String path, String owner) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.unlock(this);
    }
  }

  /** FLOCK: A program's flock(2) lock of a file, for every mount of the volume, by file ID (a rename keeps it), for {@code lease} ms (renewed by the mount while held). Never waits: EAGAIN while another owner holds a conflicting one. */
  public record Flock(String gfid, String owner, FlockType type, long lease) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.flock(this);
    }
  }

  /** RECORD_LOCK: A program's fcntl(2) record locks of a file: every range the owner holds in the file from now on (none gives all up); EAGAIN if one conflicts with another owner's. Never waits. */
  public record RecordLocks(String gfid, String owner, long lease, List<LockRange> ranges) implements BrickRequest<Replies.Done> {
    @Override
    public Future<Replies.Done> applyTo(BrickApi brick) {
      return brick.recordLocks(this);
    }
  }

  /** RECORD_LOCK_PROBE: F_GETLK: the first lock of another owner in the way of {@code probe}, if any. */
  public record ProbeRecordLock(String gfid, String owner, LockRange probe) implements BrickRequest<Replies.ProbeReply> {
    @Override
    public Future<Replies.ProbeReply> applyTo(BrickApi brick) {
      return brick.probeRecordLock(this);
    }
  }
}
