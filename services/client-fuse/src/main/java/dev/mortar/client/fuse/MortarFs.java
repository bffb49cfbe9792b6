package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.MountLocks;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.UnlinksBehind;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The mounted volume: FUSE callbacks (on FUSE's own threads, never an event loop) turned into brick requests
 * through the {@link ReplicaSet}. Attributes are cached for {@code performance.md-cache-timeout} (1 s), so a change
 * made through another mount shows here within a second. Names and attributes are the {@link Namespace}'s, the
 * operations on names {@link Directories}', an open file's writes its {@link OpenFile}'s.
 */
final class MortarFs extends FuseStubFS {
  private static final Logger LOG = Logger.getLogger(MortarFs.class.getName());
  private static final int O_ACCMODE = 03;
  private static final int O_APPEND = 02000;
  private static final int O_EXCL = 0200;
  private static final int O_TRUNC = 01000;
  private static final long UTIME_NOW = (1L << 30) - 1;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  /** An operation slower than this is logged: it waited for a brick that is away, or a lock. */
  private static final long SLOW_OP_MS = ClientTunables.SLOW_OP_MS.get();
  /** How often attributes past their cache time are dropped. */
  private static final long PRUNE_MS = 10_000;
  /** Where libfuse 2's {@code fuse_conn_info} keeps {@code want}, and the capability asked for (see {@link #init}). */
  private static final int CONN_WANT = 24;
  private static final int FUSE_CAP_DONT_MASK = 1 << 6;

  private final ReplicaSet rs;
  private final MeterRegistry registry;
  private final String clientId = java.util.UUID.randomUUID().toString();
  private final AttrCache attrs;
  private final OpenFiles files = new OpenFiles(clientId);
  private final UnsentCreates creates;
  private final UnlinksBehind unlinksBehind;
  private final Namespace ns;
  private final OpenFile.Shared shared;
  private final Directories dirs;
  private final Xattrs xattrs;
  private final XattrCache xattrCache;
  private final Permissions perms;
  private final NewFileAcls newAcls;
  private final ProgramLocks programLocks;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  MortarFs(ReplicaSet rs, Vertx vertx, long cacheMillis, MeterRegistry registry) {
    this.rs = rs;
    this.registry = registry;
    long cacheNanos = TimeUnit.MILLISECONDS.toNanos(cacheMillis);
    this.attrs = new AttrCache(cacheNanos);
    this.creates = new UnsentCreates(vertx);
    this.unlinksBehind = new UnlinksBehind(rs, registry);
    this.ns = new Namespace(rs, attrs, new DirectoryNames(cacheNanos), files, creates, unlinksBehind);
    this.shared = new OpenFile.Shared(rs, vertx, ns, creates);
    this.dirs = new Directories(rs, ns, attrs, files, unlinksBehind, this::newEntry);
    this.xattrCache = new XattrCache(rs, cacheNanos);
    this.perms = new Permissions(ns, xattrCache);
    this.newAcls = new NewFileAcls(rs, ns, xattrCache);
    this.xattrs = new Xattrs(rs, ns, creates, xattrCache, perms);
    this.programLocks = new ProgramLocks(new MountLocks(rs, vertx), ns, clientId);
    takeUtimeOmit();
    vertx.setPeriodic(PRUNE_MS, t -> vertx.executeBlocking(() -> {
      attrs.prune();
      xattrCache.prune();
      return null;
    }, false));
  }

  /**
   * Asks libfuse to pass utimensat(2)'s UTIME_OMIT and UTIME_NOW on ({@code flag_utime_omit_ok}, the third bit of
   * the flags word that follows {@code bmap} in its operations): without it, it drops a change of one time alone.
   */
  private void takeUtimeOmit() {
    try {
      // The flags word's member and its offset() are public, in classes of jnr's that are not.
      Object first = fuseOperations.getClass().getField("flag_nullpath_ok").get(fuseOperations);
      java.lang.reflect.Method offset = first.getClass().getMethod("offset");
      offset.setAccessible(true);
      long flags = (Long) offset.invoke(first);
      Pointer ops = jnr.ffi.Struct.getMemory(fuseOperations);
      ops.putByte(flags, (byte) (ops.getByte(flags) | 0b100));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning("utimensat(2) of one time alone will do nothing: libfuse's flag_utime_omit_ok cannot be set ("
          + e + ")");
    }
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

  /** {@link #op} of a callback that answers 0 when it returns. */
  private int op(String name, Runnable body) {
    return op(name, () -> {
      body.run();
      return 0;
    });
  }

  /** The process the current request is made for. */
  private Caller caller() {
    FuseContext c = getContext();
    return new Caller((int) c.uid.get(), (int) c.gid.get(), c.pid.get());
  }

  /** The umask of the process that makes a file: the kernel leaves it to the mount (see {@link #init}). */
  private int umask() {
    return (int) getContext().umask.get() & 0777;
  }

  /**
   * Asks the kernel for FUSE_CAP_DONT_MASK (the {@code want} field of libfuse 2's {@code fuse_conn_info}, after six
   * 32-bit fields): the mount gets the mode a program creates a file with and its umask apart, since a directory's
   * default ACL replaces the umask ({@link NewFileAcls}).
   */
  @Override
  public Pointer init(Pointer conn) {
    conn.putInt(CONN_WANT, conn.getInt(CONN_WANT) | FUSE_CAP_DONT_MASK);
    return null;
  }

  /** The owner and file ID of a new entry at {@code path}, made by the calling process. */
  private NewEntry newEntry(String path) {
    return NewEntry.in(ns.lookup(MortarPaths.parent(path)), (int) getContext().uid.get(),
        (int) getContext().gid.get(), java.util.UUID.randomUUID().toString());
  }

  private static void fill(FileStat st, Attr a) {
    st.st_mode.set(a.mode());
    st.st_rdev.set(a.rdev());
    st.st_nlink.set(a.nlink());
    st.st_uid.set(a.uid());
    st.st_gid.set(a.gid());
    st.st_size.set(a.size());
    st.st_blocks.set(a.blocks());
    st.st_blksize.set(131072);
    st.st_ino.set(inodeNumber(a));
    set(st.st_atim, a.atime());
    set(st.st_mtim, a.mtime());
    set(st.st_ctim, a.ctime());
  }

  /** Nanoseconds since the epoch as a timespec: before 1970 too, whose nanoseconds still count up from 0. */
  private static void set(Timespec t, long nanos) {
    t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
    t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
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
      perms.search(caller(), path);
      Attr pending = creates.attr(path);
      if (pending == null) {
        if (creates.has(path)) {
          ns.settle(path); // its create is on its way: the bricks have the file once it is answered
        }
        unlinksBehind.await(path);
      }
      fill(stat, pending != null ? pending : ns.lookup(path));
    });
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    return op("readdir", () -> {
      ns.settle(path);
      List<String> listed = ns.list(path);
      filter.apply(buf, ".", null, 0);
      filter.apply(buf, "..", null, 0);
      listed.forEach(name -> filter.apply(buf, name, null, 0));
    });
  }

  /** A listing needs read permission on the directory, checked when it is opened. */
  @Override
  public int opendir(String path, FuseFileInfo fi) {
    return op("opendir", () -> {
      perms.check(caller(), path, Permissions.READ);
    });
  }

  @Override
  public int mkdir(String path, long mode) {
    return op("mkdir", () -> {
      perms.mayCreate(caller(), path);
      NewFileAcls.Plan plan = newAcls.plan(path, Attr.S_IFDIR | ((int) mode & 07777), umask());
      dirs.mkdir(path, plan.mode());
      newAcls.apply(path, plan);
    });
  }

  @Override
  public int rmdir(String path) {
    return op("rmdir", () -> {
      perms.mayDelete(caller(), path);
      dirs.rmdir(path);
    });
  }

  @Override
  public int unlink(String path) {
    return op("unlink", () -> {
      perms.mayDelete(caller(), path);
      dirs.unlink(path);
    });
  }

  @Override
  public int rename(String from, String to) {
    return op("rename", () -> {
      perms.mayRename(caller(), from, to);
      dirs.rename(from, to);
    });
  }

  @Override
  public int link(String existing, String newPath) {
    return op("link", () -> {
      Caller c = caller();
      perms.search(c, existing);
      perms.mayCreate(c, newPath);
      dirs.link(existing, newPath);
    });
  }

  @Override
  public int symlink(String target, String linkPath) {
    return op("symlink", () -> {
      perms.mayCreate(caller(), linkPath);
      dirs.symlink(target, linkPath);
    });
  }

  /**
   * FIFOs, sockets (bind(2) of a Unix socket makes one) and device nodes; their data never reaches the mount (the
   * kernel serves their opens itself, on the host that opens them). libfuse sends mknod(2) of a regular file to
   * {@link #create}.
   */
  @Override
  public int mknod(String path, long mode, long rdev) {
    return op("mknod", () -> {
      perms.mayCreate(caller(), path);
      NewFileAcls.Plan plan = newAcls.plan(path, (int) mode, umask());
      dirs.mknod(path, ((int) mode & Attr.S_IFMT) | plan.mode(), rdev);
      newAcls.apply(path, plan);
    });
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    return op("readlink", () -> {
      perms.search(caller(), path);
      dirs.readlink(path, buf, size);
    });
  }

  /** chmod also sets an access ACL's mask (the bricks do, as ext4 does). */
  @Override
  public int chmod(String path, long mode) {
    return op("chmod", () -> {
      int m = perms.chmod(caller(), path, (int) mode & 07777);
      xattrCache.forget(changeAttr(path, new Requests.Chmod(path, m)), XattrNames.ACL_ACCESS);
    });
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return op("chown", () -> {
      perms.chown(caller(), path, (int) uid, (int) gid);
      changeAttr(path, new Requests.Chown(path, (int) uid, (int) gid));
    });
  }

  @Override
  public int utimens(String path, Timespec[] ts) {
    return op("utimens", () -> {
      perms.utimens(caller(), path, !(isNow(ts[0]) && isNow(ts[1])));
      long now = Clock.nanos();
      changeAttr(path, new Requests.Utimens(path, nanos(ts[0], now), nanos(ts[1], now)));
    });
  }

  /**
   * Both times "now" (touch) may be set by whoever may write the file; anything else (a time given, or one left as
   * it is) only by its owner, as utimensat(2) rules.
   */
  private static boolean isNow(Timespec t) {
    return t.tv_nsec.longValue() == UTIME_NOW;
  }

  /**
   * A change of the attributes of {@code path} alone, after the writes acknowledged before it: landing after it, they
   * would set the mtime that tar and cp -a just gave the file through its descriptor back to now. The attributes
   * after it.
   */
  private Attr changeAttr(String path, BrickRequest<Replies.AttrReply> request) {
    ns.writable(path);
    ns.settle(path);
    files.drainWritesTo(path);
    return ns.changeAttr(path, request, path);
  }

  /**
   * A time utimensat(2) asks for. UTIME_NOW is {@code now} of this mount's clock, not each brick's: every copy gets
   * the same time.
   */
  private static long nanos(Timespec t, long now) {
    long ns = t.tv_nsec.longValue();
    if (ns == UTIME_NOW) {
      return now;
    }
    if (ns == UTIME_OMIT) {
      return Requests.Utimens.OMIT;
    }
    return t.tv_sec.get() * 1_000_000_000L + ns;
  }

  @Override
  public int truncate(String path, long size) {
    return op("truncate", () -> {
      perms.check(caller(), path, Permissions.WRITE);
      truncateNow(path, size);
    });
  }

  /** On an open file: allowed by the open. */
  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    return op("truncate", () -> truncateNow(path, size));
  }

  private void truncateNow(String path, long size) {
    ns.writable(path);
    ns.settle(path);
    files.drainWritesTo(path); // writes acknowledged before it must not land after it (and grow the file back)
    ns.changeAttr(path, new Requests.Truncate(path, size), path);
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
    });
  }

  @Override
  public int access(String path, int mask) {
    return op("access", () -> {
      ns.settle(path);
      perms.check(caller(), path, mask & 7);
      ns.lookup(path);
    });
  }

  // ---- data ----

  /**
   * A new file is made on the bricks together with its first bytes, in one request per brick: when the program
   * closes it (the usual {@code > file} or copy of a small file), writes more than a gather's worth, or touches it
   * any other way, and at the latest {@link ClientTunables#UNSENT_CREATE_MS} after ({@link UnsentCreates}). Until
   * then it is this client's alone, as write-behind data is; a failure to make it is returned by close(2), as a
   * write-behind failure is. Exclusive creates (the program must learn at once whether the name was taken) and
   * appends are made at once.
   */
  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    return op("create", () -> {
      ns.writable(path);
      VolumePaths.components(path); // a name the bricks refuse fails here, not at a close(2) nobody checks
      ns.settle(path);
      perms.mayCreate(caller(), path);
      NewFileAcls.Plan plan = newAcls.plan(path, Attr.S_IFREG | ((int) mode & 07777), umask());
      OpenFile of = newHandle(path, fi);
      try {
        of.create(plan.mode(), (fi.flags.get() & O_EXCL) != 0, (fi.flags.get() & O_TRUNC) != 0, newEntry(path),
            plan.hasAcls());
        if (plan.hasAcls()) {
          newAcls.apply(path, plan);
        }
      } catch (RuntimeException e) {
        files.remove(of.fh);
        throw e;
      }
      fi.fh.set(of.fh);
    });
  }

  /** At unmount: every create not sent yet goes now (the kernel may not release what was open), every unlink ends. */
  void settleAll() {
    ns.settle("/");
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return op("open", () -> {
      if ((fi.flags.get() & O_ACCMODE) != 0 || (fi.flags.get() & O_TRUNC) != 0) {
        ns.writable(path); // opened for writing: refused at open, as a read-only filesystem does
      }
      ns.settle(path);
      perms.check(caller(), path, Permissions.forOpen(fi.flags.get()));
      Attr known = attrs.fresh(path);
      if (known == null || !known.isRegularFile()) {
        // Not known within the cache time (a listing or lookup just now): ask a brick.
        ns.cache(path, rs.read(new Requests.Open(path), path).attr());
      }
      if (rs.inSplitBrain(path)) {
        rs.resolveSplitBrain(path);
        ns.invalidate(path);
      }
      fi.fh.set(newHandle(path, fi).fh);
    });
  }

  private OpenFile newHandle(String path, FuseFileInfo fi) {
    return files.open(shared, path, (fi.flags.get() & O_APPEND) != 0);
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return op("read", () -> {
      ns.settle(path);
      files.drainWritesTo(path); // a read sees every write acknowledged before it
      OpenFile of = files.get(fi.fh.get());
      if (of != null) {
        BrickClient near = rs.localCleanCopy();
        long n = near == null ? -1 : of.local.read(near.localFiles(), near.rootId(), path, buf, size, offset);
        if (n >= 0) {
          return (int) n;
        }
      }
      Buffer data = of == null || !rs.settings().readAhead() ? rs.readData(path, offset, (int) size)
          : of.reads.read(path, offset, (int) size);
      byte[] bytes = data.getBytes();
      buf.put(0, bytes, 0, bytes.length);
      return bytes.length;
    });
  }

  /** See {@link OpenFile#write}. */
  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return op("write", () -> {
      ns.writable(path);
      OpenFile of = files.get(fi.fh.get());
      if (of == null) {
        throw new BrickException(Errno.EINVAL, path + ": write on a handle that is not open");
      }
      of.write(path, WriteGather.Bytes.of(buf, (int) size), offset);
      return (int) size;
    });
  }

  @Override
  public int fsync(String path, int dataOnly, FuseFileInfo fi) {
    return op("fsync", () -> {
      Requests.Fsync sync = new Requests.Fsync(path, dataOnly != 0);
      OpenFile of = files.get(fi.fh.get());
      if (of == null) {
        ns.change(path, sync, path);
        return;
      }
      of.settle(false, () -> {
        ns.change(path, sync, path);
        of.synced();
      });
    });
  }

  /** close(2): the program learns here about a write-behind failure (see {@link OpenFile#settle}). */
  @Override
  public int flush(String path, FuseFileInfo fi) {
    return op("flush", () -> {
      OpenFile of = files.get(fi.fh.get());
      if (of != null) {
        of.settle(true, () -> { });
      }
    });
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    return op("release", () -> {
      programLocks.released(fi);
      OpenFile of = files.remove(fi.fh.get());
      if (of != null) {
        of.release(path);
      }
    });
  }

  // ---- programs' locks ----

  /** flock(2) across every mount of the volume (see {@link MountLocks}). */
  @Override
  public int flock(String path, FuseFileInfo fi, int op) {
    return op("flock", () -> programLocks.flock(path, fi, op, getContext().pid.get()));
  }

  /** fcntl(2) record locks across every mount of the volume (see {@link MountLocks}). */
  @Override
  public int lock(String path, FuseFileInfo fi, int cmd, Flock flock) {
    return op("lock", () -> programLocks.lock(path, fi, cmd, flock, getContext().pid.get()));
  }

  // ---- extended attributes ----

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    return op("setxattr", () -> {
      xattrs.set(caller(), path, name, value, size, flags);
      ns.invalidate(path); // its ctime changed
    });
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    return op("getxattr", () -> xattrs.get(caller(), path, name, value, size));
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    return op("listxattr", () -> xattrs.list(caller(), path, list, size));
  }

  @Override
  public int removexattr(String path, String name) {
    return op("removexattr", () -> xattrs.remove(caller(), path, name));
  }
}
