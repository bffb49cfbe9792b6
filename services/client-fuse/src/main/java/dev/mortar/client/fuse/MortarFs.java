package dev.mortar.client.fuse;

import dev.mortar.client.local.LocalReader;
import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.MountLocks;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.SessionEnds;
import dev.mortar.client.replication.UnlinksBehind;
import dev.mortar.client.replication.WriteLockCalls;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.EveryBrickLock;
import dev.mortar.common.brick.LockRange;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The mounted volume: FUSE callbacks (on FUSE's own threads, never an event loop) turned into brick requests
 * through the {@link ReplicaSet}. Attributes are cached for {@code performance.md-cache-timeout} (1 s), so a change
 * made through another mount shows here within a second.
 */
final class MortarFs extends FuseStubFS {
  private static final Logger LOG = Logger.getLogger(MortarFs.class.getName());
  private static final int O_ACCMODE = 03;
  private static final int O_APPEND = 02000;
  private static final int O_EXCL = 0200;
  private static final int O_TRUNC = 01000;
  private static final long UTIME_NOW = (1L << 30) - 1;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  /** A writer keeps its file's lock while it writes; released this long after its last write. */
  private static final long LOCK_IDLE_MS = ClientTunables.WRITE_LOCK_IDLE_MS.get();
  /** An operation slower than this is logged: it waited for a brick that is away, or a lock. */
  private static final long SLOW_OP_MS = ClientTunables.SLOW_OP_MS.get();
  /** Write-behind window: sequential writes are acknowledged at once and sent while the program goes on. */
  private static final int WRITE_BEHIND_MAX = ClientTunables.WRITE_BEHIND_REQUESTS.getInt();
  private static final long WRITE_BEHIND_BYTES = ClientTunables.WRITE_BEHIND_BYTES.get();
  /** Sequential writes (128 KiB each from the kernel) are gathered into brick requests of up to this size. */
  private static final int GATHER_BYTES = ClientTunables.WRITE_GATHER_BYTES.getInt();
  /** Full gathers' arrays, used again: enough for a write-behind window. */
  private final WriteGather.Spares spares = new WriteGather.Spares(GATHER_BYTES,
      (int) (WRITE_BEHIND_BYTES / GATHER_BYTES));
  /** How often attributes past their cache time are dropped. */
  private static final long PRUNE_MS = 10_000;
  /** A new file not yet made on the bricks (see {@link #create}) is made at the latest this long after. */
  private static final long UNSENT_CREATE_MS = ClientTunables.UNSENT_CREATE_MS.get();

  private final ReplicaSet rs;
  private final WriteLockCalls lockCalls;
  private final EveryBrickLock<BrickClient> locks;
  private final Vertx vertx;
  private final long cacheNanos;
  private final MeterRegistry registry;
  private final Map<String, Cached> attrs = new ConcurrentHashMap<>();
  private final DirectoryNames names;
  private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
  /** The handles whose new file is not made on the bricks yet, by path. */
  private final Map<String, OpenFile> unsent = new ConcurrentHashMap<>();
  private final UnlinksBehind unlinksBehind;
  private final MountLocks programLocks;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicLong handles = new AtomicLong(1);
  private final String clientId = java.util.UUID.randomUUID().toString();

  private record Cached(Attr attr, long until) {}

  /**
   * A hold on a file's write lock: the bricks that granted it, the owner they granted it to, and the name it was
   * taken under (the file's name when its session started: a rename of the open file moves the next session's lock
   * along). Every write session of a handle has an owner of its own, so that the late UNLOCK of a session just ended
   * can never release the lock of the next one.
   */
  private record Hold(String owner, List<BrickClient> bricks, String path) {
    static final Hold NONE = new Hold(null, List.of(), null);
  }

  /** One open file descriptor: its AFR write transaction and its hold on the file's write lock. */
  private static final class OpenFile {
    /** The name it was opened by: its write lock's, for as long as it is open. */
    final String path;
    /** Its name now: renamed through this mount (by the program, or by the kernel when it is unlinked while open). */
    volatile String name;
    final boolean append;
    final String handleId;
    final long fh;
    final ReadAhead reads;
    final LocalReader local = new LocalReader();
    /** Guards the fields below; never waited for on an event loop (the idle timer only tries it). */
    final ReentrantLock mutex = new ReentrantLock();
    List<BrickClient> dirtyOn;
    int sessions;
    volatile Hold hold = Hold.NONE;
    /** When the handle last wrote (System.nanoTime), and whether the idle check is pending; both under the mutex. */
    long lastWrite;
    boolean idleCheckSet;
    /** Released: a pending idle check has nothing left to do. */
    boolean released;
    /** The periodic renewal of the lock's leases while it is held, or -1. */
    volatile long leaseTimer = -1;
    /** Write-behind: writes sent and not yet answered, with their ranges (read by other threads without the mutex). */
    final List<InFlight> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
    long inFlightBytes;
    /** Sequential writes acknowledged and not yet sent, gathered into one request, or null. */
    volatile WriteGather gather;
    /** The first failure of a write already acknowledged to the program: returned at the next call. */
    BrickException deferred;
    /** The handle's new file while its create is not sent yet, or null. */
    volatile UnsentCreate unsent;

    OpenFile(String path, boolean append, String handleId, long fh, ReadAhead reads) {
      this.path = path;
      this.name = path;
      this.append = append;
      this.handleId = handleId;
      this.fh = fh;
      this.reads = reads;
    }

    /** The owner of this handle's next write session. Called with the mutex held. */
    String nextOwner() {
      return handleId + "#" + ++sessions;
    }
  }

  private record InFlight(long start, long end, Future<ReplicaSet.Written<Replies.AttrReply>> done,
                          WriteGather gather) {}

  /** Owner and file ID of a new file: chosen here so that every brick gives the file the same ones. */
  private record NewEntry(int uid, int gid, String gfid) {}

  /** A create not sent yet: the new file, and the first bytes the program wrote to it, which go with it. */
  private static final class UnsentCreate {
    final NewEntry entry;
    final int mode;
    /** O_TRUNC: a file found there after all is emptied first. */
    final boolean truncate;
    final long born = System.currentTimeMillis() * 1_000_000L;
    final Buffer data = Buffer.buffer();
    long timer;
    /** A descriptor of it was closed before anything was written (a shell's redirect). */
    boolean closedOnce;

    UnsentCreate(NewEntry entry, int mode, boolean truncate) {
      this.entry = entry;
      this.mode = mode;
      this.truncate = truncate;
    }

    /** What the file will be when it is made: what stat(2) on it says meanwhile. */
    Attr attr() {
      long size = data.length();
      return new Attr(entry.gfid(), 0, Attr.S_IFREG | mode, 1, entry.uid(), entry.gid(), size, (size + 511) / 512,
          born, born, born);
    }
  }

  MortarFs(ReplicaSet rs, Vertx vertx, long cacheMillis, MeterRegistry registry) {
    this.rs = rs;
    this.lockCalls = new WriteLockCalls(rs);
    this.locks = new EveryBrickLock<>(lockCalls);
    this.vertx = vertx;
    this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(cacheMillis);
    this.names = new DirectoryNames(cacheNanos);
    this.registry = registry;
    this.unlinksBehind = new UnlinksBehind(rs, registry);
    this.programLocks = new MountLocks(rs, vertx);
    // Expired attributes are never read again, but they would stay: a mount that sees many names would grow.
    vertx.setPeriodic(PRUNE_MS, t -> vertx.executeBlocking(() -> {
      long now = System.nanoTime();
      attrs.values().removeIf(c -> now >= c.until());
      return null;
    }, false));
  }

  // ---- plumbing ----

  /** Runs one callback: times it by operation and outcome, and turns failures into -errno. */
  private int op(String name, Supplier<Integer> body) {
    long t0 = System.nanoTime();
    String outcome = "ok";
    try {
      return body.get();
    } catch (BrickException e) {
      outcome = e.errno().name();
      if (e.errno() == Errno.EIO) { // never an expected answer: say why
        LOG.warning(name + " failed with EIO: " + e.getMessage());
      }
      return -e.errno().code;
    } catch (RuntimeException e) {
      outcome = Errno.EIO.name();
      LOG.log(Level.WARNING, name + " failed", e);
      return -Errno.EIO.code;
    } finally {
      String o = outcome;
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (ms >= SLOW_OP_MS) {
        LOG.warning(name + " took " + ms + " ms (" + o + ")");
      }
      timers.computeIfAbsent(name + o, k -> Timer.builder("mortar_client_op_seconds")
          .description("FUSE operations by type and outcome (ok or the errno)").tag("op", name)
          .tag("outcome", o).register(registry)).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Are writes acknowledged before the bricks have them (and new files made at close)? Not with the option off, nor
   * while a brick is short of room: then every write(2) says ENOSPC itself.
   */
  private boolean writeBehind() {
    return rs.settings().writeBehind() && !rs.shortOfRoom();
  }

  /** A change is refused while the volume is read-only ({@code features.read-only}), as on a read-only mount. */
  private void writable(String path) {
    if (rs.settings().readOnly()) {
      throw new BrickException(Errno.EROFS, path + ": volume " + rs.volumeName() + " is read-only"
          + " (features.read-only is on)");
    }
  }

  /** This client changed {@code path}: its cached attributes and what every handle on it read ahead are dropped. */
  private void invalidate(String path) {
    attrs.remove(path);
    files.values().stream().filter(f -> f.name.equals(path)).forEach(f -> f.reads.invalidate());
  }

  /** False for a name cached as anything but a directory: nothing of this mount's is cached below it. */
  private boolean mayHoldNames(String path) {
    Cached c = attrs.get(path);
    return c == null || c.attr().isDirectory();
  }

  /**
   * A directory removed or renamed: what was cached below it is not what a directory made there later holds. Scans
   * the whole cache (kept to the last seconds' names by the prune).
   */
  private void forgetBelow(String dir) {
    String below = dir + "/";
    attrs.keySet().removeIf(p -> p.startsWith(below));
  }

  private Attr cacheAttr(String path, Attr a) {
    attrs.put(path, new Cached(a, System.nanoTime() + cacheNanos));
    return a;
  }

  private Attr lookup(String path) {
    drainWritesTo(path);
    Cached c = attrs.get(path);
    if (c != null && System.nanoTime() < c.until()) {
      names.served(path);
      return c.attr();
    }
    DirectoryNames.Known known = names.lookup(path);
    if (known == DirectoryNames.Known.LIST_AGAIN_WITH_ATTRIBUTES) {
      list(MortarPaths.parent(path));
      c = attrs.get(path);
      if (c != null) {
        return c.attr();
      }
      known = names.lookup(path);
    } else if (known == DirectoryNames.Known.LIST_AGAIN) {
      listNames(MortarPaths.parent(path));
      known = names.lookup(path);
    }
    if (known == DirectoryNames.Known.ABSENT) {
      throw new BrickException(Errno.ENOENT, path + ": no such file (listed within the cache time)");
    }
    return cacheAttr(path, rs.read(new Requests.Lookup(path), path).attr());
  }

  /** A change of {@code path} (the request's) on every live brick; {@code blameOn} as in {@link ReplicaSet#write}. */
  private <R> R change(String path, BrickRequest<R> request, String blameOn) {
    try {
      return rs.write(request, blameOn);
    } finally {
      invalidate(path);
    }
  }

  private Attr changeAttr(String path, BrickRequest<Replies.AttrReply> request, String blameOn) {
    return cacheAttr(path, change(path, request, blameOn).attr());
  }

  private NewEntry newEntry() {
    return new NewEntry((int) getContext().uid.get(), (int) getContext().gid.get(),
        java.util.UUID.randomUUID().toString());
  }

  private static void fill(FileStat st, Attr a) {
    st.st_mode.set(a.mode());
    st.st_nlink.set(a.nlink());
    st.st_uid.set(a.uid());
    st.st_gid.set(a.gid());
    st.st_size.set(a.size());
    st.st_blocks.set(a.blocks());
    st.st_blksize.set(131072);
    st.st_ino.set(inodeNumber(a));
    st.st_atim.tv_sec.set(a.atime() / 1_000_000_000L);
    st.st_atim.tv_nsec.set(a.atime() % 1_000_000_000L);
    st.st_mtim.tv_sec.set(a.mtime() / 1_000_000_000L);
    st.st_mtim.tv_nsec.set(a.mtime() % 1_000_000_000L);
    st.st_ctim.tv_sec.set(a.ctime() / 1_000_000_000L);
    st.st_ctim.tv_nsec.set(a.ctime() % 1_000_000_000L);
  }

  /**
   * The inode number stat(2) shows (the mount runs with use_ino): from the file ID, as GlusterFS does, so that a file
   * has the same number on every mount and brick and its hard links share it (rsync -H, tar, cp -a and du tell
   * links by it). The root's file ID makes it 1. A brick's own number where the file has no ID.
   */
  static long inodeNumber(Attr a) {
    if (a.gfid() == null) {
      return a.ino();
    }
    try {
      java.util.UUID id = java.util.UUID.fromString(a.gfid());
      long n = (id.getMostSignificantBits() ^ id.getLeastSignificantBits()) & Long.MAX_VALUE;
      return n == 0 ? a.ino() : n;
    } catch (IllegalArgumentException notAnId) {
      return a.ino();
    }
  }

  // ---- names and attributes ----

  @Override
  public int getattr(String path, FileStat stat) {
    return op("getattr", () -> {
      Attr pending = unsentAttr(path);
      if (pending == null) {
        if (unsent.containsKey(path)) {
          settle(path); // its create is on its way: the bricks have the file once it is answered
        }
        unlinksBehind.await(path);
      }
      fill(stat, pending != null ? pending : lookup(path));
      return 0;
    });
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    return op("readdir", () -> {
      settle(path);
      List<String> listed = list(path);
      filter.apply(buf, ".", null, 0);
      filter.apply(buf, "..", null, 0);
      listed.forEach(name -> filter.apply(buf, name, null, 0));
      return 0;
    });
  }

  /**
   * Lists a directory's names only, for lookups of absent names: a brick lists 5,000 names in one getdents pass
   * instead of opening every file for its metadata.
   */
  private void listNames(String dir) {
    unlinksBehind.awaitIn(dir);
    long since = names.changes();
    names.listed(dir, rs.read(new Requests.ListNames(dir), dir).names(), false, since);
  }

  /**
   * Lists a directory; its names and their attributes are cached (`ls -l` then needs no lookup per file). Unlinks
   * acknowledged here go to the bricks first, and a listing that ran across a change made here is not cached: it
   * could show a name as there for a cache time after this client removed it.
   */
  private List<String> list(String dir) {
    unlinksBehind.awaitIn(dir);
    long since = names.changes();
    List<String> listed = new ArrayList<>();
    for (Replies.DirEntry e : rs.read(new Requests.Readdir(dir), dir).entries()) {
      cacheAttr(VolumePaths.child(dir, e.name()), e.attr());
      listed.add(e.name());
    }
    if (!names.listed(dir, listed, true, since)) {
      listed.forEach(name -> attrs.remove(VolumePaths.child(dir, name)));
    }
    return listed;
  }

  @Override
  public int mkdir(String path, long mode) {
    return op("mkdir", () -> {
      writable(path);
      settle(path);
      NewEntry e = newEntry();
      changeAttr(path, new Requests.Mkdir(path, (int) mode & 07777, e.uid(), e.gid(), e.gfid(), 0),
          MortarPaths.parent(path));
      names.added(path);
      names.made(path);
      return 0;
    });
  }

  @Override
  public int rmdir(String path) {
    return op("rmdir", () -> {
      writable(path);
      settle(path);
      names.changing();
      change(path, new Requests.Rmdir(path), MortarPaths.parent(path));
      forgetBelow(path);
      names.removed(path);
      return 0;
    });
  }

  /**
   * Unlink-behind ({@link UnlinksBehind}), as CephFS's asynchronous directory operations: the unlink of a file known
   * here (attributes cached) is acknowledged once queued, with every brick of the replica set up, and the unlinks of
   * one directory go to the bricks together, so that {@code rm -rf} costs neither a round trip nor a request per
   * file. Whatever touches that name or its directory afterwards on this mount (a lookup, a listing, rmdir, a create
   * of the same name) waits for the bricks' answer first, and another client sees the file gone within
   * milliseconds. A name no brick unlinked stays, and the mount logs why. Anything else (a brick down, a directory, a
   * name not known here) waits as before.
   */
  @Override
  public int unlink(String path) {
    return op("unlink", () -> {
      writable(path);
      settle(path);
      names.changing(); // before the attributes are dropped: see list
      Cached c = attrs.get(path);
      if (c == null || System.nanoTime() >= c.until() || c.attr().isDirectory() || !rs.allUp()) {
        change(path, new Requests.Unlink(path), MortarPaths.parent(path));
      } else {
        unlinksBehind.unlink(path);
        invalidate(path);
      }
      names.removed(path);
      return 0;
    });
  }

  @Override
  public int rename(String from, String to) {
    return op("rename", () -> {
      writable(from);
      settle(from, to);
      // Write-behind data goes to the name it was written under: on the bricks before that name goes away.
      files.values().stream().filter(f -> atOrBelow(f.name, from)).forEach(this::drainLocked);
      names.changing();
      // Taken before the change drops them: a file's rename (rsync's, an editor's save) need not scan the cache.
      boolean fromMayHoldNames = mayHoldNames(from);
      boolean toMayHoldNames = mayHoldNames(to);
      try {
        change(from, new Requests.Rename(from, to), MortarPaths.parent(from));
        for (OpenFile f : files.values()) { // reads and stat of the new name see the handle's later writes
          if (atOrBelow(f.name, from)) {
            f.name = to + f.name.substring(from.length());
          }
        }
      } finally {
        invalidate(to);
        if (fromMayHoldNames) {
          forgetBelow(from);
        }
        if (toMayHoldNames) {
          forgetBelow(to);
        }
        names.removed(from);
        names.removed(to); // a directory renamed over: what was known below it is gone
        names.added(to);
      }
      return 0;
    });
  }

  @Override
  public int link(String existing, String newPath) {
    return op("link", () -> {
      writable(newPath);
      settle(existing, newPath);
      changeAttr(existing, new Requests.Link(existing, newPath), MortarPaths.parent(newPath));
      invalidate(existing);
      names.added(newPath);
      return 0;
    });
  }

  @Override
  public int symlink(String target, String linkPath) {
    return op("symlink", () -> {
      writable(linkPath);
      settle(linkPath);
      NewEntry e = newEntry();
      changeAttr(linkPath, new Requests.Symlink(linkPath, target, e.uid(), e.gid(), e.gfid()),
          MortarPaths.parent(linkPath));
      names.added(linkPath);
      return 0;
    });
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    return op("readlink", () -> {
      settle(path);
      byte[] t = rs.read(new Requests.Readlink(path), path).target().getBytes(StandardCharsets.UTF_8);
      int n = (int) Math.min(t.length, size - 1);
      buf.put(0, t, 0, n);
      buf.putByte(n, (byte) 0);
      return 0;
    });
  }

  @Override
  public int chmod(String path, long mode) {
    return op("chmod", () -> {
      writable(path);
      settle(path);
      changeAttr(path, new Requests.Chmod(path, (int) mode & 07777), path);
      return 0;
    });
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return op("chown", () -> {
      writable(path);
      settle(path);
      changeAttr(path, new Requests.Chown(path, (int) uid, (int) gid), path);
      return 0;
    });
  }

  @Override
  public int utimens(String path, Timespec[] ts) {
    return op("utimens", () -> {
      writable(path);
      settle(path);
      changeAttr(path, new Requests.Utimens(path, nanos(ts[0]), nanos(ts[1])), path);
      return 0;
    });
  }

  private static long nanos(Timespec t) {
    long ns = t.tv_nsec.longValue();
    if (ns == UTIME_NOW) {
      return Requests.Utimens.NOW;
    }
    if (ns == UTIME_OMIT) {
      return Requests.Utimens.OMIT;
    }
    return t.tv_sec.get() * 1_000_000_000L + ns;
  }

  @Override
  public int truncate(String path, long size) {
    return op("truncate", () -> {
      writable(path);
      settle(path);
      drainWritesTo(path); // writes acknowledged before it must not land after it (and grow the file back)
      changeAttr(path, new Requests.Truncate(path, size), path);
      return 0;
    });
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int statfs(String path, Statvfs st) {
    return op("statfs", () -> {
      Replies.StatfsReply s = rs.read(Requests.Statfs.INSTANCE, "/");
      st.f_bsize.set(s.blockSize());
      st.f_frsize.set(s.blockSize());
      st.f_blocks.set(s.blocks());
      st.f_bfree.set(s.blocksFree());
      st.f_bavail.set(s.blocksAvailable());
      st.f_namemax.set(s.maxNameLength());
      return 0;
    });
  }

  @Override
  public int access(String path, int mask) {
    return op("access", () -> {
      settle(path);
      lookup(path);
      return 0;
    });
  }

  // ---- data ----

  /**
   * A new file is made on the bricks together with its first bytes, in one request per brick: when the program
   * closes it (the usual {@code > file} or copy of a small file), writes more than a gather's worth, or touches it
   * any other way, and at the latest {@link #UNSENT_CREATE_MS} after. Until then it is this client's alone, as
   * write-behind data is; a failure to make it is returned by close(2), as a write-behind failure is. Exclusive
   * creates (the program must learn at once whether the name was taken) and appends are made at once.
   */
  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    return op("create", () -> {
      writable(path);
      VolumePaths.components(path); // a name the bricks refuse fails here, not at a close(2) nobody checks
      settle(path);
      boolean exclusive = (fi.flags.get() & O_EXCL) != 0;
      OpenFile of = newHandle(path, fi);
      of.mutex.lock();
      try {
        if (exclusive || of.append || !writeBehind() || rs.liveDataBricks().isEmpty()) {
          sendCreate(of, (int) mode & 07777, exclusive, newEntry(), Buffer.buffer());
        } else {
          UnsentCreate u = new UnsentCreate(newEntry(), (int) mode & 07777, (fi.flags.get() & O_TRUNC) != 0);
          of.unsent = u;
          unsent.put(path, of);
          invalidate(path);
          names.added(path);
          u.timer = vertx.setTimer(UNSENT_CREATE_MS, t -> vertx.executeBlocking(() -> {
            sendUnsentQuietly(of);
            return null;
          }, false));
        }
      } catch (RuntimeException e) {
        files.remove(of.fh);
        throw e;
      } finally {
        of.mutex.unlock();
      }
      fi.fh.set(of.fh);
      return 0;
    });
  }

  /**
   * Makes the file on every live brick, with {@code data} as its first bytes, marked dirty and locked for this
   * handle's first write session in the same request, so that writing a new file costs no lock or pre-op request of
   * its own. Where another writer already holds the lock (the file existed), the session starts over the usual way
   * at the first write. Whether every data brick made the file (and so wrote the data): a file that was there
   * already keeps its file ID. Called with the mutex held.
   */
  private boolean sendCreate(OpenFile of, int mode, boolean exclusive, NewEntry entry, Buffer data) {
    String path = of.path;
    String owner = of.nextOwner();
    rs.awaitAnyLive();
    rs.sessionEnds().flushIfQueued(path); // a file written again at once: its last session's lock goes first
    ReplicaSet.Written<Replies.CreateReply> w;
    try {
      w = rs.await(rs.writeAsync(new Requests.Create(path, mode, entry.uid(), entry.gid(), entry.gfid(), exclusive,
          1, owner, WriteLockCalls.LEASE_MS, data), MortarPaths.parent(path)));
    } finally {
      invalidate(path);
      names.added(path); // made, or it was there already (EEXIST)
    }
    cacheAttr(path, w.answer().attr());
    // Arbiters grant it too: they are in the hold, so that it is renewed and given back there as well.
    List<BrickClient> locked = w.took().stream().filter(b -> w.answers().get(b).locked()).toList();
    of.dirtyOn = w.took();
    of.hold = new Hold(owner, locked, path);
    List<String> ids = w.took().stream().filter(b -> !b.brick().arbiter())
        .map(b -> w.answers().get(b).attr().gfid()).distinct().toList();
    if (ids.size() > 1) {
      reconcileFileIds(of);
    } else if (w.took().stream().allMatch(locked::contains)) {
      keepLeases(of);
      releaseWhenIdle(of);
    } else {
      giveBack(of);
    }
    return ids.equals(List.of(entry.gfid()));
  }

  /**
   * Two clients made the same name at once and the bricks took their creates in different orders, so the copies
   * have different file IDs (GlusterFS's "gfid split-brain", which it prevents with entry locks at the price of a
   * round trip per create). Under the file's lock on every brick, taken in brick order, the first data brick's copy
   * replaces the others: both are as new as the race (each creator is still in create). The other creator finds the
   * copies agree once it has the lock. Called with the mutex held; the hold is kept for the write session.
   */
  private void reconcileFileIds(OpenFile of) {
    String path = of.path;
    lockCalls.awaitQuietly(unlockAll(of));
    List<BrickClient> data = takeLock(of, path, p -> locks.inOrder(p, rs.liveDataBricks(), of.nextOwner())).bricks();
    keepLeases(of);
    releaseWhenIdle(of);
    if (data.size() < 2) {
      return;
    }
    BrickClient first = data.get(0);
    Attr won = rs.await(first.call(new Requests.Lookup(path))).attr();
    for (BrickClient b : data.subList(1, data.size())) {
      Attr there = rs.await(b.call(new Requests.Lookup(path))).attr();
      if (!won.gfid().equals(there.gfid()) && won.isRegularFile() && there.isRegularFile()) {
        LOG.warning(path + ": made at once by two clients, with file IDs " + won.gfid() + " on " + first.brick().name()
            + " and " + there.gfid() + " on " + b.brick().name() + "; the copy on " + first.brick().name()
            + " is kept");
        Buffer content = rs.await(first.call(new Requests.Read(path, 0, (int) won.size()))).data();
        rs.await(b.call(new Requests.Unlink(path)));
        // Marked dirty as a client's new file is: the write session that follows clears it.
        rs.await(b.call(new Requests.Create(path, won.mode() & 07777, won.uid(), won.gid(), won.gfid(), true, 1,
            null, 0, content)));
      }
    }
    invalidate(path);
  }

  /**
   * Sends the handle's create if it is not sent yet. Where the file was there already on a brick (another client
   * made it after this one found the name absent), it is emptied if the program asked so and its data is written
   * the usual way. Called with the mutex held.
   */
  private void sendUnsent(OpenFile of) {
    UnsentCreate u = of.unsent;
    if (u == null) {
      return;
    }
    of.unsent = null;
    vertx.cancelTimer(u.timer);
    try {
      if (!sendCreate(of, u.mode, false, u.entry, u.data)) {
        if (u.truncate) {
          change(of.path, new Requests.Truncate(of.path, 0), of.path);
        }
        if (u.data.length() > 0) {
          writeLocked(of, of.path, WriteGather.Bytes.of(u.data.getBytes()), 0);
        }
      }
    } finally {
      // Only once the bricks answered: until then another call on the name waits for this handle's mutex (settle),
      // instead of asking a brick that has not made the file yet (ENOENT for an open right after a close).
      unsent.remove(of.path, of);
    }
  }

  /** For a caller other than the handle's own: a failure is returned by the handle's next call (close at last). */
  private void sendUnsentQuietly(OpenFile of) {
    of.mutex.lock();
    try {
      sendUnsent(of);
    } catch (BrickException e) {
      if (of.deferred == null) {
        of.deferred = e;
      }
    } finally {
      of.mutex.unlock();
    }
  }

  /**
   * Another operation on {@code paths} sees the files there and below as the bricks have them: the creates of those
   * not sent yet are sent first, and unlinks on their way are waited for.
   */
  private void settle(String... paths) {
    for (OpenFile of : unsent.values()) {
      if (atOrBelow(of.path, paths)) {
        sendUnsentQuietly(of);
      }
    }
    for (String p : unlinksBehind.paths()) {
      if (atOrBelow(p, paths)) {
        unlinksBehind.await(p);
      }
    }
  }

  private static boolean atOrBelow(String path, String... paths) {
    for (String p : paths) {
      if (path.equals(p) || path.startsWith(p.equals("/") ? p : p + "/")) {
        return true;
      }
    }
    return false;
  }

  /** At unmount: every create not sent yet goes now (the kernel may not release what was open), every unlink ends. */
  void settleAll() {
    settle("/");
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return op("open", () -> {
      if ((fi.flags.get() & O_ACCMODE) != 0 || (fi.flags.get() & O_TRUNC) != 0) {
        writable(path); // opened for writing: refused at open, as a read-only filesystem does
      }
      settle(path);
      Cached c = attrs.get(path);
      if (c == null || System.nanoTime() >= c.until() || !c.attr().isRegularFile()) {
        // Not known within the cache time (a listing or lookup just now): ask a brick.
        cacheAttr(path, rs.read(new Requests.Open(path), path).attr());
      }
      if (rs.inSplitBrain(path)) {
        rs.resolveSplitBrain(path);
        invalidate(path);
      }
      fi.fh.set(newHandle(path, fi).fh);
      return 0;
    });
  }

  private OpenFile newHandle(String path, FuseFileInfo fi) {
    long fh = handles.getAndIncrement();
    OpenFile of = new OpenFile(path, (fi.flags.get() & O_APPEND) != 0, clientId + "/" + fh, fh,
        new ReadAhead(this::readRange, vertx));
    files.put(fh, of);
    return of;
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return op("read", () -> {
      settle(path);
      drainWritesTo(path); // a read sees every write acknowledged before it
      OpenFile of = files.get(fi.fh.get());
      if (of != null) {
        BrickClient near = rs.localCleanCopy();
        long n = near == null ? -1 : of.local.read(near.localFiles(), near.rootId(), path, buf, size, offset);
        if (n >= 0) {
          return (int) n;
        }
      }
      Buffer data = of == null || !rs.settings().readAhead() ? readRange(path, offset, (int) size)
          : of.reads.read(path, offset, (int) size);
      byte[] bytes = data.getBytes();
      buf.put(0, bytes, 0, bytes.length);
      return bytes.length;
    });
  }

  private Buffer readRange(String path, long offset, int size) {
    return rs.readData(path, offset, size);
  }

  /**
   * AFR write with write-behind. The first write of a session carries the dirty mark and is waited for; later
   * sequential writes are acknowledged at once and sent in the background (at most {@link #WRITE_BEHIND_MAX}, in
   * order of their ranges); their failure is returned by the next write, flush or fsync, as GlusterFS's
   * write-behind does. Appends and overlapping writes wait for what is in flight first.
   */
  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return op("write", () -> {
      writable(path);
      OpenFile of = files.get(fi.fh.get());
      if (of == null) {
        throw new BrickException(Errno.EINVAL, path + ": write on a handle that is not open");
      }
      WriteGather.Bytes bytes = WriteGather.Bytes.of(buf, (int) size);
      of.mutex.lock();
      try {
        throwDeferred(of);
        UnsentCreate u = of.unsent;
        if (u != null && offset == u.data.length() && offset + size <= GATHER_BYTES && writeBehind()) {
          u.data.appendBuffer(bytes.buffer()); // goes with the create
          return (int) size;
        }
        sendUnsent(of);
        writeLocked(of, path, bytes, offset);
      } finally {
        of.mutex.unlock();
      }
      return (int) size;
    });
  }

  /** {@link #write} of the bytes, with the mutex held. */
  private void writeLocked(OpenFile of, String path, WriteGather.Bytes bytes, long offset) {
    int size = bytes.size();
    holdLock(of);
    long end = offset + size;
    boolean overlaps = of.inFlight.stream().anyMatch(w -> w.start() < end && offset < w.end())
        || of.gather != null && of.gather.overlaps(offset, end);
    boolean waited = of.append || of.dirtyOn == null || !writeBehind();
    if (waited || overlaps) {
      drain(of);
    } else {
      makeRoom(of, size);
    }
    invalidate(path);
    if (waited) {
      long at = of.append ? appendOffset(of) : offset;
      boolean first = of.dirtyOn == null;
      // The first carries the AFR pre-op: a crash from here on leaves the copies marked torn.
      ReplicaSet.Written<Replies.AttrReply> w = rs.await(rs.writeAsync(new Requests.Write(path, at, first ? 1 : 0,
          of.hold.owner(), bytes.buffer()), path, of.hold.bricks()));
      if (first) {
        of.dirtyOn = w.took();
      }
    } else {
      if (of.gather == null || !of.gather.continuedBy(path, offset, size)) {
        sendGathered(of);
        of.gather = new WriteGather(path, offset, size, spares);
      }
      of.gather.add(bytes);
      if (of.gather.full()) {
        sendGathered(of);
      }
    }
    releaseWhenIdle(of);
  }

  /**
   * Where an append goes: the end of the file on a data brick of the hold that no other brick blames. A source
   * that turns out to be away (cut off since the lock was taken) leaves the hold, and the next one is asked.
   */
  private long appendOffset(OpenFile of) {
    while (true) {
      List<BrickClient> data = of.hold.bricks().stream().filter(b -> !b.brick().arbiter() && b.isUp()).toList();
      if (data.isEmpty()) {
        throw new BrickException(Errno.ENOTCONN, of.path + ": no brick that holds the write lock is reachable");
      }
      BrickClient source = rs.appendSource(of.name, data);
      try {
        return rs.await(source.call(new Requests.Lookup(of.name))).attr().size();
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
        Hold held = of.hold;
        of.hold = new Hold(held.owner(), held.bricks().stream().filter(b -> b != source).toList(), held.path());
      }
    }
  }

  /** Sends the gathered writes as one request, in flight from now on. Called with the mutex held; never waits. */
  private void sendGathered(OpenFile of) {
    WriteGather g = of.gather;
    if (g == null) {
      return;
    }
    Buffer data = g.data();
    Hold held = of.hold;
    of.inFlight.add(new InFlight(g.start, g.end(), rs.writeAsync(new Requests.Write(g.path, g.start, 0,
        held.owner(), data), g.path, held.bricks()), g));
    of.inFlightBytes += data.length();
    of.gather = null; // only now: a reader that finds neither a gather nor a write in flight reads without waiting
  }

  /** Sends what is gathered and waits for every write in flight; the first failure becomes the deferred error. */
  private void drain(OpenFile of) {
    sendGathered(of);
    while (!of.inFlight.isEmpty()) {
      awaitOldest(of);
    }
  }

  /**
   * Waits for the oldest writes in flight until {@code size} more bytes fit in the write-behind window. Only as
   * many as needed: waiting for all of them would leave the bricks idle while the program refills the window.
   */
  private void makeRoom(OpenFile of, long size) {
    while (!of.inFlight.isEmpty() && (of.inFlight.size() >= WRITE_BEHIND_MAX
        || of.inFlightBytes + size > WRITE_BEHIND_BYTES)) {
      awaitOldest(of);
    }
  }

  /** The oldest write in flight, waited for and let go; its failure becomes the deferred error. */
  private void awaitOldest(OpenFile of) {
    InFlight w = of.inFlight.get(0);
    try {
      if (rs.await(w.done()).everyTargetTook()) {
        w.gather().recycle(); // every brick answered: none still reads its data
      }
    } catch (BrickException e) {
      if (of.deferred == null) {
        of.deferred = e;
      }
    } finally {
      // Only once answered: a reader on another thread looks at the list without the mutex (drainLocked), and a
      // write taken off it while still on its way looked done (the read found the file short of it).
      of.inFlight.remove(0);
      of.inFlightBytes -= w.end() - w.start();
    }
  }

  private static void throwDeferred(OpenFile of) {
    BrickException e = of.deferred;
    if (e != null) {
      of.deferred = null;
      throw e;
    }
  }

  /** Writes of other handles to this file are on the bricks before its attributes are read. */
  private void drainWritesTo(String path) {
    for (OpenFile of : files.values()) {
      if (of.name.equals(path)) {
        drainLocked(of);
      }
    }
  }

  /**
   * Looked at without the mutex first, so that a reader does not wait behind a write that is not write-behind (an
   * append waiting for a lock): such a write is in neither the list nor the gather.
   */
  private void drainLocked(OpenFile of) {
    if (!of.inFlight.isEmpty() || of.gather != null) {
      of.mutex.lock();
      try {
        drain(of);
      } finally {
        of.mutex.unlock();
      }
    }
  }

  /**
   * Writes to one file are serialised across all clients by its lock, taken on every live data brick, so every
   * brick applies them in the same order and the copies stay identical. On every live brick, not only the first:
   * around a network cut two clients disagree for a moment about which bricks are live, and they must still exclude
   * each other on the bricks they both write to ({@link EveryBrickLock}, as healers take it). A session writes only
   * where it holds the lock. A writer keeps the lock while it writes and gives it up {@link #LOCK_IDLE_MS} after
   * its last write, or when it closes the file. Called with the mutex held.
   */
  private void holdLock(OpenFile of) {
    Hold held = of.hold;
    List<BrickClient> still = held.bricks().stream().filter(BrickClient::isUp).toList();
    if (!still.isEmpty()) {
      // A brick that went away is dropped; one that came back joins at the next session, not this one (its copy
      // may hold another side's version of the file: the next open checks for that).
      of.hold = new Hold(held.owner(), still, held.path());
      return;
    }
    unlockAll(of);
    rs.awaitAnyLive();
    String name = of.name;
    rs.sessionEnds().flushIfQueued(name);
    EveryBrickLock.Taken<BrickClient> took = takeLock(of, name, p -> locks.take(p, rs.liveDataBricks(), of::nextOwner));
    if (took.bricks().isEmpty()) {
      throw new BrickException(Errno.ENOTCONN, of.path + ": cannot take the write lock: no live brick");
    }
    keepLeases(of);
  }

  /** Takes the lock of {@code path} as {@code how} does and makes it the handle's hold. Called with the mutex held. */
  private EveryBrickLock.Taken<BrickClient> takeLock(OpenFile of, String path,
                                                     Function<String, EveryBrickLock.Taken<BrickClient>> how) {
    try {
      EveryBrickLock.Taken<BrickClient> took = how.apply(path);
      of.hold = new Hold(took.owner(), took.bricks(), path);
      return took;
    } catch (BrickException e) {
      throw new BrickException(Errno.EIO, of.path + ": cannot take the write lock (" + e.getMessage() + ")");
    }
  }

  /**
   * Renews the lock's leases every third of a lease for as long as this writer holds it, whatever the program
   * does: a write session can outlast a lease while its data is still on its way to a slow brick, and a lapsed
   * lease would let a healer take the file for a torn write and heal it under the writes still arriving.
   * Runs on the event loop; it reads the hold without the mutex and sends without waiting.
   */
  private void keepLeases(OpenFile of) {
    if (of.leaseTimer >= 0) {
      return;
    }
    of.leaseTimer = vertx.setPeriodic(WriteLockCalls.LEASE_MS / 3, t -> {
      Hold held = of.hold;
      if (held.bricks().isEmpty()) {
        vertx.cancelTimer(t);
        of.leaseTimer = -1;
        return;
      }
      held.bricks().forEach(b -> WriteLockCalls.lockCall(b, held.path(), held.owner(), 0)
          .onFailure(e -> LOG.fine(held.path() + ": lease on " + b.brick().name() + " not renewed: "
              + e.getMessage())));
    });
  }

  /** Gives the lock up on every brick that holds it for this file; the answers, for a caller that waits. */
  private static List<Future<Replies.Done>> unlockAll(OpenFile of) {
    Hold held = of.hold;
    of.hold = Hold.NONE;
    return WriteLockCalls.unlockCalls(held.bricks(), held.path(), held.owner());
  }

  /**
   * Gives the lock up {@link #LOCK_IDLE_MS} after the handle's last write. Called with the mutex held, at each write:
   * one check is set per idle time, and it looks again where a write came since (a timer set and cancelled per
   * write woke the event loop twice for every 128 KiB written).
   */
  private void releaseWhenIdle(OpenFile of) {
    of.lastWrite = System.nanoTime();
    if (!of.idleCheckSet) {
      of.idleCheckSet = true;
      checkIdleIn(of, LOCK_IDLE_MS);
    }
  }

  /** Runs on the event loop, which never waits for the mutex: a check that finds a write running looks again. */
  private void checkIdleIn(OpenFile of, long ms) {
    vertx.setTimer(Math.max(1, ms), t -> {
      if (!of.mutex.tryLock()) {
        checkIdleIn(of, LOCK_IDLE_MS / 4);
        return;
      }
      try {
        long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - of.lastWrite);
        if (of.released) {
          of.idleCheckSet = false;
        } else if (idleMs < LOCK_IDLE_MS) {
          checkIdleIn(of, LOCK_IDLE_MS - idleMs);
        } else if (of.gather == null && of.inFlight.stream().allMatch(w -> w.done().isComplete())) {
          of.idleCheckSet = false;
          drain(of); // waits for nothing: all answered; a failure is kept for the program's next call
          dropLock(of);
        } else {
          sendGathered(of); // the program paused: what it wrote goes now
          checkIdleIn(of, LOCK_IDLE_MS); // writes still on their way: keep the lock a little longer
        }
      } finally {
        of.mutex.unlock();
      }
    });
  }

  /**
   * Ends a write session. Called with the mutex held, with no write in flight; nothing waits. The dirty mark goes
   * and then, on each brick in that order, the lock, so that a healer, which takes the same lock, finds a dirty
   * mark only where a writer died; batched with other sessions' ends ({@link SessionEnds}).
   */
  private void dropLock(OpenFile of) {
    List<BrickClient> marked = of.dirtyOn == null ? List.of() : of.dirtyOn;
    of.dirtyOn = null;
    Hold held = of.hold;
    of.hold = Hold.NONE;
    // The dirty mark is the file's, wherever it is now; the lock is where the session took it.
    rs.sessionEnds().add(of.name, marked, held.owner(), held.bricks(), held.path());
  }

  /**
   * A new file that this handle could not lock everywhere (another writer holds it somewhere): its dirty marks
   * and whatever locks it got are given back now, and its first write takes the lock the usual way.
   */
  private void giveBack(OpenFile of) {
    try {
      rs.await(clearDirty(of));
    } catch (BrickException e) {
      LOG.fine(of.path + ": dirty mark of a new file not cleared: " + e.getMessage());
    }
    lockCalls.awaitQuietly(unlockAll(of));
  }

  private Future<Void> clearDirty(OpenFile of) {
    if (of.dirtyOn == null) {
      return Future.succeededFuture();
    }
    List<BrickClient> on = of.dirtyOn;
    of.dirtyOn = null;
    return rs.clearDirty(of.name, on);
  }

  @Override
  public int fsync(String path, int dataOnly, FuseFileInfo fi) {
    return op("fsync", () -> {
      OpenFile of = files.get(fi.fh.get());
      if (of == null) {
        change(path, new Requests.Fsync(path, dataOnly != 0), path);
        return 0;
      }
      of.mutex.lock();
      try {
        sendUnsent(of);
        drain(of);
        throwDeferred(of);
        change(path, new Requests.Fsync(path, dataOnly != 0), path);
        clearDirty(of); // the data is on disk: only now may the copies stop being dirty
      } finally {
        of.mutex.unlock();
      }
      return 0;
    });
  }

  /**
   * close(2): the program learns here about a write-behind failure. A shell's {@code > file} opens the file,
   * duplicates the descriptor and closes the first one before it writes: the first close of a new file with nothing
   * written yet keeps its create for the bytes that follow (sent at the next close, at release, or by its timer).
   */
  @Override
  public int flush(String path, FuseFileInfo fi) {
    return op("flush", () -> {
      OpenFile of = files.get(fi.fh.get());
      if (of != null) {
        of.mutex.lock();
        try {
          UnsentCreate u = of.unsent;
          if (u != null && u.data.length() == 0 && !u.closedOnce) {
            u.closedOnce = true;
            return 0;
          }
          sendUnsent(of);
          drain(of);
          throwDeferred(of);
        } finally {
          of.mutex.unlock();
        }
      }
      return 0;
    });
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return op("release", () -> {
      programLocks.released(lockOwner(fi)); // a flocked file closed for the last time (lock_owner 0: none)
      OpenFile of = files.remove(fi.fh.get());
      if (of != null) {
        of.mutex.lock();
        try {
          try {
            sendUnsent(of); // sent by flush unless that failed (and said so), or nothing was written
          } catch (BrickException e) { // close(2) is over: the log is the only place left to say it
            LOG.warning(path + ": the new file, closed with nothing written, could not be made: " + e.getMessage());
          }
          drain(of); // a failure here was returned by flush already
          of.released = true;
          dropLock(of);
        } finally {
          of.mutex.unlock();
        }
        of.local.close();
      }
      return 0;
    });
  }

  /** flock(2) across every mount of the volume (see {@link MountLocks}); by file ID, so a rename keeps the lock. */
  @Override
  public int flock(String path, FuseFileInfo fi, int op) {
    return op("flock", () -> programLocks.flock(fileId(path), path, lockOwner(fi), op, getContext().pid.get()));
  }

  /** fcntl(2) commands, as x86-64 Linux numbers them (64-bit offsets). */
  private static final int F_GETLK = 5;
  private static final int F_SETLKW = 7;

  /** fcntl(2) record locks across every mount of the volume (see {@link MountLocks}). */
  @Override
  public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
    return op("lock", () -> {
      String owner = lockOwner(fi);
      int type = flock.l_type.get();
      long start = flock.l_start.get();
      long len = flock.l_len.get();
      if (start < 0 || len < 0 || len > 0 && start > Long.MAX_VALUE - len) {
        return -Errno.EINVAL.code;
      }
      LockRange range = new LockRange(start, len == 0 ? Long.MAX_VALUE : start + len - 1, type == Flock.F_WRLCK);
      if (cmd == F_GETLK) {
        LockRange theirs = programLocks.getlk(fileId(path), owner, range);
        if (theirs == null) {
          flock.l_type.set(Flock.F_UNLCK);
        } else {
          flock.l_type.set(theirs.write() ? Flock.F_WRLCK : Flock.F_RDLCK);
          flock.l_start.set(theirs.start());
          flock.l_len.set(theirs.end() == Long.MAX_VALUE ? 0 : theirs.end() - theirs.start() + 1);
          flock.l_pid.set(0); // held through another mount: no process of this host
        }
        return 0;
      }
      if (type == Flock.F_UNLCK && !programLocks.holdsRecordLocks(owner)) {
        return 0; // every close(2) unlocks: free unless the process locked something
      }
      String gfid;
      try {
        gfid = fileId(path);
      } catch (BrickException gone) { // unlinked or renamed away since it was locked: unlocked by its ID
        gfid = type == Flock.F_UNLCK ? programLocks.recordLocked(owner, path) : null;
        if (gfid == null) {
          throw gone;
        }
      }
      return programLocks.setlk(gfid, path, owner, range, type != Flock.F_UNLCK, cmd == F_SETLKW,
          getContext().pid.get());
    });
  }

  /**
   * The file ID locks are kept by, as the bricks have it. A new file of this mount whose create is not sent yet is
   * made first: another mount may have made the name meanwhile (its program opened it with O_CREAT too), and the
   * file then keeps that mount's ID, so a lock under the ID chosen here would exclude nobody.
   */
  private String fileId(String path) {
    settle(path);
    return lookup(path).gfid();
  }

  /** The attributes chosen for a new file of this mount whose create is not sent yet; null for any other name. */
  private Attr unsentAttr(String path) {
    OpenFile of = unsent.get(path);
    UnsentCreate u = of == null ? null : of.unsent;
    return u == null ? null : u.attr();
  }

  /**
   * The kernel's lock owner: for a flock the open file description (shared by dup(2) and fork(2)), for a record lock
   * the process, as locally.
   */
  private String lockOwner(FuseFileInfo fi) {
    return clientId + "/" + fi.lock_owner.get();
  }

  // ---- extended attributes ----

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    return op("setxattr", () -> {
      writable(path);
      settle(path);
      byte[] v = new byte[(int) size];
      value.get(0, v, 0, v.length);
      rs.write(new Requests.SetXattr(path, name, flags, Buffer.buffer(v)), path);
      return 0;
    });
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    return op("getxattr", () -> {
      if (!name.startsWith("user.")) {
        // Only user.* attributes exist here (setxattr says so too). "Not supported" rather than "not set": `ls -l`
        // then stops asking for the SELinux label and ACL of every file on this mount, two calls per file.
        throw new BrickException(Errno.EOPNOTSUPP, name + ": only user.* extended attributes are supported");
      }
      settle(path);
      byte[] v = rs.read(new Requests.GetXattr(path, name), path).data().getBytes();
      if (size == 0) {
        return v.length;
      }
      if (v.length > size) {
        throw new BrickException(Errno.ERANGE, name + ": value larger than the buffer");
      }
      value.put(0, v, 0, v.length);
      return v.length;
    });
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    return op("listxattr", () -> {
      settle(path);
      StringBuilder sb = new StringBuilder();
      rs.read(new Requests.ListXattr(path), path).names().forEach(n -> sb.append(n).append('\0'));
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (size == 0) {
        return b.length;
      }
      if (b.length > size) {
        throw new BrickException(Errno.ERANGE, "attribute names larger than the buffer");
      }
      list.put(0, b, 0, b.length);
      return b.length;
    });
  }

  @Override
  public int removexattr(String path, String name) {
    return op("removexattr", () -> {
      writable(path);
      settle(path);
      change(path, new Requests.RemoveXattr(path, name), path);
      return 0;
    });
  }
}
