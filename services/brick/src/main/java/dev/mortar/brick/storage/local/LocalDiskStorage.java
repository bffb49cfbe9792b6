package dev.mortar.brick.storage.local;

import dev.mortar.brick.BrickNames;
import dev.mortar.brick.MetaCounters;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * A brick on local disk: each file at the same relative path under the brick directory, so the brick is a plain,
 * readable copy of the volume. Replication metadata ({@link FileMeta}) is one extended attribute,
 * {@code user.mortar.meta}, written in one call (atomic) and fsynced; symbolic links cannot carry user xattrs, so
 * theirs is a small file under {@code .mortar/ino/}. The heal index is {@code .mortar/index/<gfid>}. Nothing under
 * {@code .mortar} shows through the volume.
 *
 * <p>Crash safety: a new file or directory is made under {@code .mortar/tmp}, given its metadata, then linked or
 * renamed into place, so a crash never leaves a file without its ID; a heal-index entry is made before the
 * metadata that needs it (fsynced when it records a blame), and removed only after the metadata is clean again.
 */
public final class LocalDiskStorage implements BrickStorage {
  private static final Logger LOG = Logger.getLogger(LocalDiskStorage.class.getName());
  /** The volume root's file ID, as GlusterFS's root gfid. */
  public static final String ROOT_GFID = "00000000-0000-0000-0000-000000000001";
  static final String META_XATTR = "mortar.meta"; // user.mortar.meta
  private static final int MAX_NAME_BYTES = BrickNames.MAX_NAME_BYTES;
  private static final int META_READ_GUESS = 1024;
  private static final byte[] NO_META = new byte[0];
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  /** What one lstat gives; not "unix:*", which also looks up the owner's and group's names on every call. */
  private static final String STAT_ATTRIBUTES =
      "unix:mode,ino,nlink,uid,gid,size,lastAccessTime,lastModifiedTime,ctime";
  /**
   * Stale heal-index hints a walk of the brick could not settle (some file was unreadable) are walked for again
   * only after this long: the healers list the index on every sweep.
   */
  private static final long RELOCATE_AGAIN_NANOS = 60_000_000_000L;
  /** Checked parent directories remembered at most; past that the memory starts over. */
  private static final int CHECKED_DIRS_MAX = 100_000;

  private final Path root;
  private final Path tmp;
  private final Path index;
  private final Path inodeMeta;
  /** Heal-index entry files to reuse. */
  private final SpareFiles spares;
  /** Namespace changes (create, mkdir, rename, unlink ...) one at a time, so check-then-act cannot race. */
  private final ReentrantLock namespace = new ReentrantLock();
  /** Read-modify-write of replication counters. */
  private final ReentrantLock metaLock = new ReentrantLock();
  private final POSIX posix = POSIXFactory.getNativePOSIX();
  private volatile boolean writebackHints = true;
  private final String rootId;
  private final NewFiles newFiles;
  private volatile long lastRelocation;
  /**
   * Parent directories found free of symbolic links, with the {@link #dirGeneration} they were checked at. A
   * directory can only turn into a link (or move under one) by a rmdir or rename, which bump the generation first,
   * so a remembered check stays true until then and saves realpath's readlink of every component on every request.
   */
  private final Map<Path, Long> checkedDirs = new ConcurrentHashMap<>();
  private final AtomicLong dirGeneration = new AtomicLong();
  private volatile Set<String> unresolved = Set.of();

  private LocalDiskStorage(Path root) throws IOException {
    this.root = root;
    Path meta = root.resolve(BrickDirectory.META_DIR);
    this.tmp = meta.resolve("tmp");
    this.index = meta.resolve("index");
    this.inodeMeta = meta.resolve("ino");
    this.spares = new SpareFiles(meta.resolve("spare"));
    this.newFiles = new NewFiles(posix, new BirthDirs(meta.resolve("birth"), posix));
    Map<String, Object> a = Files.readAttributes(root, "unix:dev,ino", NOFOLLOW);
    this.rootId = a.get("dev") + ":" + a.get("ino");
  }

  /** Read once at open: STATUS answers it on the event loop. */
  @Override
  public String localRootId() {
    return rootId;
  }

  /** Opens a prepared brick directory ({@link BrickDirectory#prepare}); clears what a crash left half-made. */
  public static LocalDiskStorage open(Path dir) throws IOException {
    LocalDiskStorage s = new LocalDiskStorage(dir.toRealPath());
    Files.createDirectories(s.tmp);
    Files.createDirectories(s.index);
    Files.createDirectories(s.inodeMeta);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(s.tmp)) {
      for (Path p : leftovers) {
        deleteTree(p);
      }
    }
    if (s.readMeta(s.root) == null) {
      s.writeMeta(s.root, new FileMeta(ROOT_GFID, 0, 0, 0, Map.of()));
    }
    return s;
  }

  // ---- paths ----

  /**
   * The brick path for a volume path. Refuses what could leave the brick or touch its private metadata: relative
   * paths, '.', '..', NUL bytes, over-long names, and symbolic links among the parents (never followed here).
   */
  Path resolve(String path) {
    List<String> parts = BrickNames.components(path);
    if (parts.isEmpty()) {
      return root;
    }
    Path full = root.resolve(String.join("/", parts));
    Path parent = full.getParent();
    if (!parent.equals(root)) {
      long generation = dirGeneration.get();
      if (!Long.valueOf(generation).equals(checkedDirs.get(parent))) {
        Path real;
        try {
          real = parent.toRealPath();
        } catch (IOException e) {
          throw IoErrors.map(e, path);
        }
        if (!real.equals(parent)) {
          throw new BrickException(Errno.ELOOP, "'" + path + "' goes through a symbolic link; bricks never follow"
              + " them");
        }
        if (checkedDirs.size() >= CHECKED_DIRS_MAX) {
          checkedDirs.clear();
        }
        checkedDirs.put(parent, generation);
      }
    }
    return full;
  }

  /** Forgets every directory check: called before a rmdir or rename changes what a path names. */
  private void directoriesChanging() {
    dirGeneration.incrementAndGet();
  }

  // ---- attributes ----

  private Attr attr(Path p, String path) {
    try {
      Map<String, Object> a = Files.readAttributes(p, STAT_ATTRIBUTES, NOFOLLOW);
      int mode = (Integer) a.get("mode");
      long size = (Long) a.get("size");
      FileMeta m = readMeta(p, mode);
      return new Attr(m == null ? null : m.gfid(), (Long) a.get("ino"), mode, (Integer) a.get("nlink"),
          (Integer) a.get("uid"), (Integer) a.get("gid"), size, (size + 511) / 512,
          nanos((FileTime) a.get("lastAccessTime")), nanos((FileTime) a.get("lastModifiedTime")),
          nanos((FileTime) a.get("ctime")));
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  private static long nanos(FileTime t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static boolean isSymlink(int mode) {
    return (mode & Attr.S_IFMT) == Attr.S_IFLNK;
  }

  @Override
  public Attr lookup(String path) {
    Path p;
    try {
      p = resolve(path);
    } catch (BrickException e) {
      throw BrickNames.hiddenAsMissing(e, path);
    }
    return attr(p, path);
  }

  @Override
  public List<DirEntry> readdir(String path) {
    Path dir = resolve(path);
    List<DirEntry> out = new ArrayList<>();
    for (String name : names(dir, path)) {
      try {
        out.add(new DirEntry(name, attr(dir.resolve(name), path + "/" + name)));
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOENT) { // removed while listing: not an error
          throw e;
        }
      }
    }
    return out;
  }

  @Override
  public List<String> names(String path) {
    return names(resolve(path), path);
  }

  /** One getdents pass: no file is opened or stat'ed. */
  private List<String> names(Path dir, String path) {
    requireDirectory(dir, path);
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path child : ds) {
        String name = child.getFileName().toString();
        if (!(dir.equals(root) && name.equals(BrickDirectory.META_DIR))) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return out;
  }

  private void requireDirectory(Path p, String path) {
    if (!attr(p, path).isDirectory()) {
      throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
  }

  // ---- namespace ----

  @Override
  public Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    Path p = resolve(path);
    return underNamespaceLock(() -> {
      failIfExists(p, path);
      Path t = tmp.resolve(UUID.randomUUID().toString());
      boolean made = false;
      try {
        Files.createDirectory(t);
        setOwnerAndMode(t, mode, uid, gid, false);
        writeMeta(t, newMeta(gfid));
        Files.move(t, p, StandardCopyOption.ATOMIC_MOVE);
        made = true;
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      } finally {
        if (!made) { // a full disk can fail any step: nothing half-made stays behind
          deleteQuietly(t);
        }
      }
      return attr(p, path);
    });
  }

  @Override
  public Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid) {
    return create(path, mode, uid, gid, exclusive, gfid, 0);
  }

  /** A new file is born dirty (its metadata and heal index entry written before its name appears): no update. */
  @Override
  public Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid, long dirty) {
    return create(path, mode, uid, gid, exclusive, gfid, dirty, Buffer.buffer());
  }

  /** A new file's first bytes are written before its name appears, as its metadata is: it shows whole or not at all. */
  @Override
  public Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid, long dirty,
      Buffer data) {
    Path p = resolve(path);
    boolean[] existed = {false};
    Attr a = underNamespaceLock(() -> {
      if (exists(p)) {
        if (exclusive) {
          throw new BrickException(Errno.EEXIST, path + ": file exists");
        }
        Attr there = attr(p, path);
        if (there.isDirectory()) {
          throw new BrickException(Errno.EISDIR, path + ": is a directory");
        }
        existed[0] = true;
        return there;
      }
      FileMeta m = new FileMeta(BrickNames.fileId(gfid), Math.max(dirty, 0), 0, 0, Map.of());
      Runnable index = () -> {
        if (dirty > 0) {
          addToIndex(m.gfid(), path, false);
        }
      };
      if (newFiles.available()) {
        Attr fresh = newFiles.make(p, path, mode, uid, gid, "user." + META_XATTR, MetaXattr.encode(m), m.gfid(),
            data, index);
        if (fresh != null) {
          return fresh;
        }
      }
      Path t = tmp.resolve(UUID.randomUUID().toString());
      try {
        Files.createFile(t);
        if (data.length() > 0) {
          Files.write(t, data.getBytes());
        }
        setOwnerAndMode(t, mode, uid, gid, false);
        index.run();
        writeMeta(t, m);
        Files.createLink(p, t); // atomic, and fails rather than replace
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      } finally {
        deleteQuietly(t);
      }
      return attr(p, path);
    });
    if (existed[0] && dirty > 0) { // it was there already: marked as any file
      updateMeta(path, dirty, 0, 0, Map.of());
    }
    return a;
  }

  @Override
  public Attr symlink(String path, String target, int uid, int gid, String gfid) {
    Path p = resolve(path);
    BrickNames.checkSymlinkTarget(path, target);
    return underNamespaceLock(() -> {
      failIfExists(p, path);
      Path t = tmp.resolve(UUID.randomUUID().toString());
      boolean made = false;
      try {
        // The target is stored exactly as given and never followed on the brick.
        if (posix.symlink(target, t.toString()) != 0) {
          throw new BrickException(Errno.of(posix.errno()), path + ": cannot create the symbolic link");
        }
        if (uid >= 0 || gid >= 0) {
          setOwnerAndMode(t, -1, uid, gid, true);
        }
        writeMeta(t, newMeta(gfid));
        Files.move(t, p, StandardCopyOption.ATOMIC_MOVE);
        made = true;
        return attr(p, path);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      } finally {
        if (!made) { // a full disk can fail any step: nothing half-made stays behind, its side metadata neither
          try {
            deleteQuietly(inodeFile(t));
          } catch (IOException notMade) {
            // no link, no side metadata
          }
          deleteQuietly(t);
        }
      }
    });
  }

  @Override
  public Attr link(String existing, String newPath) {
    Path from = resolve(existing);
    Path to = resolve(newPath);
    return underNamespaceLock(() -> {
      if (attr(from, existing).isDirectory()) {
        throw new BrickException(Errno.EPERM, existing + ": hard links to directories are not allowed");
      }
      try {
        Files.createLink(to, from);
      } catch (IOException e) {
        throw IoErrors.map(e, newPath);
      }
      return attr(to, newPath);
    });
  }

  @Override
  public void unlink(String path) {
    Path p = resolve(path);
    underNamespaceLock(() -> {
      Attr a = attr(p, path);
      if (a.isDirectory()) {
        throw new BrickException(Errno.EISDIR, path + ": is a directory; use rmdir");
      }
      try {
        Files.delete(p);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      }
      if (a.nlink() <= 1) {
        forget(a);
      }
      return null;
    });
  }

  @Override
  public void rmdir(String path) {
    Path p = resolve(path);
    if (p.equals(root)) {
      throw new BrickException(Errno.EBUSY, "the volume root cannot be removed");
    }
    underNamespaceLock(() -> {
      Attr a = attr(p, path);
      if (!a.isDirectory()) {
        throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
      }
      directoriesChanging();
      try {
        Files.delete(p);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      }
      forget(a);
      return null;
    });
  }

  @Override
  public void rename(String from, String to) {
    Path src = resolve(from);
    Path dst = resolve(to);
    if (src.equals(root) || dst.equals(root)) {
      throw new BrickException(Errno.EINVAL, "the volume root cannot be renamed");
    }
    underNamespaceLock(() -> {
      Attr a = attr(src, from);
      if (src.equals(dst)) {
        return null;
      }
      if (a.isDirectory() && dst.startsWith(src)) {
        throw new BrickException(Errno.EINVAL, to + " is inside " + from + "; a directory cannot move into itself");
      }
      Attr replaced = null;
      if (exists(dst)) {
        replaced = attr(dst, to);
        if (a.isDirectory() && !replaced.isDirectory()) {
          throw new BrickException(Errno.ENOTDIR, to + ": not a directory");
        }
        if (!a.isDirectory() && replaced.isDirectory()) {
          throw new BrickException(Errno.EISDIR, to + ": is a directory");
        }
        if (replaced.ino() == a.ino()) {
          return null; // two names of one file: rename(2) does nothing
        }
      }
      if (a.isDirectory()) {
        directoriesChanging();
      }
      try {
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces the target atomically
      } catch (IOException e) {
        throw IoErrors.map(e, from + " -> " + to);
      }
      if (replaced != null && replaced.nlink() <= 1) {
        forget(replaced);
      }
      rehint(from, to, a);
      return null;
    });
  }

  /**
   * A renamed entry's heal-index hints follow it: its own and, for a directory, those of everything under it.
   * Otherwise the healer of this brick would look for a file it blames under a name that is gone. Under the
   * namespace lock.
   */
  private void rehint(String from, String to, Attr moved) {
    if (moved.gfid() != null) {
      writeHint(moved.gfid(), to);
    }
    if (!moved.isDirectory()) {
      return;
    }
    List<String> src = BrickNames.components(from);
    for (IndexEntry e : readIndex()) {
      List<String> hint = hintComponents(e.path());
      if (hint != null && hint.size() > src.size() && hint.subList(0, src.size()).equals(src)) {
        writeHint(e.gfid(), volumePath(BrickNames.components(to), hint.subList(src.size(), hint.size())));
      }
    }
  }

  private static List<String> hintComponents(String hint) {
    try {
      return BrickNames.components(hint);
    } catch (BrickException e) {
      return null; // not a path this brick would accept: never matches
    }
  }

  private static String volumePath(List<String> head, List<String> tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(tail);
    return "/" + String.join("/", all);
  }

  @Override
  public String readlink(String path) {
    Path p = resolve(path);
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  // ---- data ----

  @Override
  public Attr open(String path) {
    Attr a = attr(resolve(path), path);
    BrickNames.checkOpenable(path, a);
    return a;
  }

  @Override
  public Buffer read(String path, long offset, int size) {
    BrickNames.checkRead(path, offset, size);
    Path p = resolve(path);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, Math.max(0, ch.size() - offset)));
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      buf.flip();
      return BufferInternal.buffer(Unpooled.wrappedBuffer(buf));
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  @Override
  public Attr write(String path, long offset, Buffer data) {
    if (offset < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative offset");
    }
    Path p = resolve(path);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, NOFOLLOW)) {
      ByteBuffer buf = ((BufferInternal) data).getByteBuf().nioBuffer();
      long sizeBefore = ch.size();
      long pos = offset;
      try {
        while (buf.hasRemaining()) {
          pos += ch.write(buf, pos);
        }
      } catch (IOException e) {
        // A full disk took part of it: the failed write must not grow the file (the other copies may have taken
        // another part, or none, and none of them is blamed). Shrinking needs no room.
        if (pos > sizeBefore) {
          ch.truncate(sizeBefore);
        }
        throw e;
      }
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    if (data.length() >= BrickOp.WRITEBACK_NOW_BYTES) {
      startWriteback(p, offset, data.length());
    }
    return attr(p, path);
  }

  /**
   * Starts writing a large write's pages to the disk now instead of when the kernel's dirty threshold (a tenth of
   * memory) or its 30 s expiry is reached: a stream of big writes then reaches the disk while it is being sent, and
   * the program's fsync at its end has little left to wait for. A hint: a failure changes nothing.
   */
  private void startWriteback(Path p, long offset, long length) {
    NativeLibC.Calls libc = NativeLibC.LIBC;
    if (libc == null || !posix.isNative() || !writebackHints) {
      return;
    }
    int fd = posix.open(p.toString(), NativeLibC.O_RDONLY | NativeLibC.O_NOFOLLOW_X86_64
        | NativeLibC.O_CLOEXEC_X86_64, 0);
    if (fd < 0) {
      return;
    }
    try {
      libc.sync_file_range(fd, offset, length, NativeLibC.SYNC_FILE_RANGE_WRITE);
    } catch (LinkageError e) { // a libc without it: writeback is left to the kernel, as before
      writebackHints = false;
      LOG.info("sync_file_range is not available (" + e + "): large writes reach the disk at the kernel's pace");
    } finally {
      posix.close(fd);
    }
  }

  @Override
  public Attr truncate(String path, long size) {
    if (size < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative size");
    }
    Path p = resolve(path);
    Attr a = attr(p, path);
    if (a.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (a.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": is a symbolic link");
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size); // ftruncate: grows sparse, shrinks
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return attr(p, path);
  }

  @Override
  public void fsync(String path, boolean dataOnly) {
    Path p = resolve(path);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
      ch.force(!dataOnly);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  // ---- attributes set ----

  @Override
  public Attr chmod(String path, int mode) {
    return setAndStat(path, p -> {
      if (attr(p, path).isSymlink()) {
        throw new BrickException(Errno.EOPNOTSUPP, path + ": the mode of a symbolic link cannot be changed");
      }
      Files.setAttribute(p, "unix:mode", mode & 07777, NOFOLLOW);
    });
  }

  @Override
  public Attr chown(String path, int uid, int gid) {
    return setAndStat(path, p -> setOwnerAndMode(p, -1, uid, gid, true));
  }

  @Override
  public Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    return setAndStat(path, p -> Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(fileTime(mtimeNanos), fileTime(atimeNanos), null));
  }

  @FunctionalInterface
  private interface IoAction {
    void run(Path p) throws IOException;
  }

  /** Changes something of a file and answers its attributes afterwards, with the errno of any failure. */
  private Attr setAndStat(String path, IoAction action) {
    Path p = resolve(path);
    try {
      action.run(p);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return attr(p, path);
  }

  private static FileTime fileTime(long nanos) {
    if (nanos == BrickFields.TIME_OMIT) {
      return null;
    }
    if (nanos == BrickFields.TIME_NOW) {
      return FileTime.from(Instant.now());
    }
    return FileTime.from(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L)));
  }

  private static void setOwnerAndMode(Path p, int mode, int uid, int gid, boolean nofollow) throws IOException {
    LinkOption[] opts = nofollow ? new LinkOption[] {NOFOLLOW} : new LinkOption[0];
    if (uid >= 0) {
      Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
    }
    if (gid >= 0) {
      Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    }
    if (mode >= 0) {
      Files.setAttribute(p, "unix:mode", mode & 07777, opts); // after chown, which clears set-id bits
    }
  }

  @Override
  public FsStats statfs() {
    try {
      FileStore fs = Files.getFileStore(root);
      long bs = fs.getBlockSize();
      return new FsStats(bs, fs.getTotalSpace() / bs, fs.getUnallocatedSpace() / bs, fs.getUsableSpace() / bs,
          MAX_NAME_BYTES);
    } catch (IOException e) {
      throw IoErrors.map(e, "/");
    }
  }

  // ---- extended attributes (the user's) ----

  private UserDefinedFileAttributeView xattrView(String path, String name) {
    Path p = resolve(path);
    if (name != null) {
      BrickNames.checkXattrName(name);
    }
    if (attr(p, path).isSymlink()) {
      throw new BrickException(Errno.EPERM, path + ": symbolic links cannot carry user extended attributes");
    }
    return Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
  }

  @Override
  public Buffer getxattr(String path, String name) {
    UserDefinedFileAttributeView v = xattrView(path, name);
    String n = name.substring(5);
    try {
      ByteBuffer buf = ByteBuffer.allocate(v.size(n));
      v.read(n, buf);
      buf.flip();
      return BufferInternal.buffer(Unpooled.wrappedBuffer(buf));
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }

  @Override
  public void setxattr(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    UserDefinedFileAttributeView v = xattrView(path, name);
    String n = name.substring(5);
    try {
      BrickNames.checkXattrFlags(path, name, v.list().contains(n), flags);
      v.write(n, ((BufferInternal) value).getByteBuf().nioBuffer());
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }

  @Override
  public List<String> listxattr(String path) {
    UserDefinedFileAttributeView v = xattrView(path, null);
    try {
      List<String> out = new ArrayList<>();
      for (String n : v.list()) {
        if (!n.startsWith("mortar.")) {
          out.add("user." + n);
        }
      }
      return out;
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  @Override
  public void removexattr(String path, String name) {
    UserDefinedFileAttributeView v = xattrView(path, name);
    try {
      v.delete(name.substring(5));
    } catch (IOException e) {
      throw IoErrors.map(e, path + " [" + name + "]");
    }
  }

  // ---- replication metadata ----

  private static FileMeta newMeta() {
    return newMeta(null);
  }

  private static FileMeta newMeta(String gfid) {
    return new FileMeta(BrickNames.fileId(gfid), 0, 0, 0, Map.of());
  }

  @Override
  public FileMeta meta(String path) {
    Path p = resolve(path);
    metaLock.lock();
    try {
      return ensureMeta(p, path);
    } finally {
      metaLock.unlock();
    }
  }

  /** Files put into a brick directory by hand have no metadata yet: they get an ID on first use. */
  private FileMeta ensureMeta(Path p, String path) {
    Attr a = attr(p, path);
    FileMeta m = readMeta(p, a.mode());
    if (m == null) {
      m = newMeta();
      writeMeta(p, m);
    }
    return m;
  }

  @Override
  public FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion,
                             Map<Integer, Long> pending) {
    Path p = resolve(path);
    metaLock.lock();
    try {
      FileMeta cur = ensureMeta(p, path);
      FileMeta next = MetaCounters.add(path, cur, dirty, dataVersion, metaVersion, pending);
      // A blame (another brick missed a change) is on disk before this returns, index entry first: the client
      // acknowledges the write only then. Dirty marks and clears go through the filesystem's journal in order
      // without an fsync each (as GlusterFS's pre-op): a killed process loses neither, and a lost clear only
      // means the file is checked by heal once more.
      boolean blames = MetaCounters.blames(pending);
      if (!next.clean()) {
        addToIndex(next.gfid(), path, blames);
      }
      writeMeta(p, next);
      if (blames) {
        syncMeta(p);
      }
      if (next.clean() && !cur.clean()) {
        spares.retire(index.resolve(next.gfid()));
      }
      return next;
    } finally {
      metaLock.unlock();
    }
  }

  /**
   * The index with every path hint checked against the file ID it names. A hint that went stale (a rename that raced
   * with a metadata update, a name removed while another hard link stays) is found again by a walk of the brick,
   * under the namespace lock so no name changes meanwhile; an entry whose file is gone from the brick is dropped.
   */
  @Override
  public List<IndexEntry> healIndex() {
    List<IndexEntry> out = new ArrayList<>();
    Set<String> stale = new HashSet<>();
    for (IndexEntry e : readIndex()) {
      if (hintHolds(e)) {
        out.add(e);
      } else {
        stale.add(e.gfid());
      }
    }
    if (stale.isEmpty()) {
      return out;
    }
    long now = System.nanoTime();
    if (unresolved.containsAll(stale) && now - lastRelocation < RELOCATE_AGAIN_NANOS) {
      stale.forEach(g -> out.add(new IndexEntry(g, readHint(g)))); // as they are, until the next walk
      return out;
    }
    lastRelocation = now;
    out.addAll(underNamespaceLock(() -> relocate(stale)));
    return out;
  }

  private String readHint(String gfid) {
    try {
      return Files.readString(index.resolve(gfid));
    } catch (IOException e) {
      return "/";
    }
  }

  private boolean hintHolds(IndexEntry e) {
    try {
      FileMeta m = readMeta(resolve(e.path()));
      return m != null && e.gfid().equals(m.gfid());
    } catch (BrickException gone) {
      return false;
    }
  }

  /** Finds the files of stale index entries by their file IDs; rewrites the hints; drops entries of gone files. */
  private List<IndexEntry> relocate(Set<String> gfids) {
    Map<String, String> found = new HashMap<>();
    boolean[] unreadable = {false};
    Path metaDir = root.resolve(BrickDirectory.META_DIR);
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          return d.equals(metaDir) ? FileVisitResult.SKIP_SUBTREE : visit(d);
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
          return visit(f);
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          unreadable[0] = true;
          return FileVisitResult.CONTINUE;
        }

        private FileVisitResult visit(Path p) {
          try {
            FileMeta m = readMeta(p);
            if (m != null && gfids.contains(m.gfid())) {
              found.put(m.gfid(), p.equals(root) ? "/" : "/" + root.relativize(p));
            }
          } catch (BrickException e) {
            unreadable[0] = true;
          }
          return found.size() == gfids.size() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw IoErrors.map(e, "/ (looking for renamed files of the heal index)");
    }
    List<IndexEntry> out = new ArrayList<>();
    Set<String> left = new HashSet<>();
    for (String gfid : gfids) {
      String path = found.get(gfid);
      if (path != null) {
        writeHint(gfid, path);
        out.add(new IndexEntry(gfid, path));
      } else if (unreadable[0]) { // a file that could not be read may be the one: nothing is dropped
        left.add(gfid);
        out.add(new IndexEntry(gfid, readHint(gfid)));
      } else {
        spares.retire(index.resolve(gfid));
      }
    }
    unresolved = left;
    LOG.info(root + ": heal index: " + out.size() + " of " + gfids.size() + " entries with a stale name found again"
        + " by their file ID" + (unreadable[0] ? "; some files could not be read, so none was dropped" : ""));
    return out;
  }

  /**
   * Rewrites an entry's path hint, unless the entry went meanwhile (its file healed: the entry must not return).
   * Never fails the change that moved the file (a full disk): a stale hint is found again by {@link #healIndex}.
   */
  private void writeHint(String gfid, String path) {
    Path entry = index.resolve(gfid);
    metaLock.lock();
    try {
      if (Files.exists(entry)) {
        Files.writeString(entry, path, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      LOG.warning(root + ": the heal index entry of " + path + " still names its old path (" + e + ")");
    } finally {
      metaLock.unlock();
    }
  }

  private List<IndexEntry> readIndex() {
    List<IndexEntry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(index)) {
      for (Path e : ds) {
        try {
          out.add(new IndexEntry(e.getFileName().toString(), Files.readString(e)));
        } catch (NoSuchFileException gone) {
          // healed while listing
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, ".mortar/index");
    }
    return out;
  }

  /**
   * An index entry is a file named by the file ID holding its path (a hint); its name must survive a crash. On a disk
   * with no block left for the hint, the entry is made empty (an inode only): the mark that another brick missed a
   * change is what must not be lost, and {@link #healIndex} finds an empty hint's file again by its ID.
   */
  private void addToIndex(String gfid, String path, boolean durable) {
    Path entry = index.resolve(gfid);
    try {
      if (exists(entry)) {
        return;
      }
      try {
        spares.place(entry, path.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        if (IoErrors.map(e, path).errno() != Errno.ENOSPC) {
          throw e;
        }
        Files.createFile(entry);
        LOG.warning(root + ": disk full: the heal index entry of " + path + " was made without its path (found again"
            + " by its file ID); make room on this disk");
      }
      if (durable) {
        forceDirectory(index);
      }
    } catch (IOException e) {
      throw IoErrors.map(e, path + " (heal index)");
    }
  }

  FileMeta readMeta(Path p) {
    try {
      return readMeta(p, (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW));
    } catch (IOException e) {
      return null;
    }
  }

  private FileMeta readMeta(Path p, int mode) {
    try {
      byte[] raw;
      if (isSymlink(mode)) {
        Path f = inodeFile(p);
        if (!Files.exists(f)) {
          return null;
        }
        raw = Files.readAllBytes(f);
      } else if ((raw = lgetxattr(p)) != null) {
        if (raw == NO_META) {
          return null;
        }
      } else {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
        // One getxattr on the hot path (every stat): the metadata is small; ask for its size only if it is not.
        ByteBuffer buf = ByteBuffer.allocate(META_READ_GUESS);
        try {
          v.read(META_XATTR, buf);
        } catch (java.nio.file.FileSystemException e) {
          String why = String.valueOf(e.getReason());
          if (why.contains("No data available")) {
            return null;
          }
          if (!why.contains("Numerical result out of range")) {
            throw e;
          }
          buf = ByteBuffer.allocate(v.size(META_XATTR));
          v.read(META_XATTR, buf);
        }
        raw = Arrays.copyOf(buf.array(), buf.position());
      }
      try {
        return MetaXattr.decode(raw);
      } catch (RuntimeException bad) {
        throw new BrickException(Errno.EIO, root.relativize(p) + ": its replication metadata is unreadable ("
            + bad.getMessage() + "); remove the attribute user.mortar.meta from the file in the brick and run"
            + " 'volume heal VOLUME full'");
      }
    } catch (IOException e) {
      throw IoErrors.map(e, root.relativize(p) + " (metadata)");
    }
  }

  /**
   * The metadata attribute in one lgetxattr (Java's view opens and closes the file around its getxattr):
   * {@link #NO_META} if the file has none; null to take the portable way (no native call here, or a value larger
   * than the guess).
   */
  private byte[] lgetxattr(Path p) {
    NativeLibC.Calls libc = NativeLibC.LIBC;
    if (libc == null) {
      return null;
    }
    byte[] buf = new byte[META_READ_GUESS];
    long n = libc.lgetxattr(p.toString(), "user." + META_XATTR, buf, buf.length);
    if (n >= 0) {
      return Arrays.copyOf(buf, (int) n);
    }
    int errno = posix.errno();
    if (errno == Errno.ENODATA.code) {
      return NO_META;
    }
    if (errno == Errno.ERANGE.code) {
      return null;
    }
    Errno e = Errno.of(errno);
    throw new BrickException(e, root.relativize(p) + ": cannot read its metadata (" + e.name() + ")");
  }

  /** One setxattr call: the old or the new metadata, never half of it. */
  private void writeMeta(Path p, FileMeta m) {
    byte[] raw = MetaXattr.encode(m);
    try {
      if (isSymlink((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW))) {
        Path t = tmp.resolve(UUID.randomUUID().toString());
        Files.write(t, raw);
        Files.move(t, inodeFile(p), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW)
            .write(META_XATTR, ByteBuffer.wrap(raw));
      }
    } catch (IOException e) {
      throw IoErrors.map(e, root.relativize(p) + " (metadata)");
    }
  }

  private void syncMeta(Path p) {
    try {
      if (isSymlink((Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW))) {
        try (FileChannel ch = FileChannel.open(inodeFile(p), StandardOpenOption.READ)) {
          ch.force(true);
        }
        forceDirectory(inodeMeta);
      } else {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
          ch.force(true); // the inode, xattrs included
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, root.relativize(p) + " (metadata)");
    }
  }

  private Path inodeFile(Path p) throws IOException {
    return inodeMeta.resolve(String.valueOf(Files.getAttribute(p, "unix:ino", NOFOLLOW)));
  }

  /** The last name of a file is gone: drop its heal-index entry and side metadata. */
  private void forget(Attr a) {
    if (a.gfid() != null && exists(index.resolve(a.gfid()))) { // most files have no entry: one lstat says so
      spares.retire(index.resolve(a.gfid()));
    }
    if (a.isSymlink()) {
      deleteQuietly(inodeMeta.resolve(String.valueOf(a.ino())));
    }
  }

  // ---- helpers ----

  private <T> T underNamespaceLock(java.util.function.Supplier<T> action) {
    namespace.lock();
    try {
      return action.get();
    } finally {
      namespace.unlock();
    }
  }

  /** One lstat, without the exception Files.exists makes of a missing file. */
  private boolean exists(Path p) {
    return posix.lstat(p.toString(), posix.allocateStat()) == 0;
  }

  private void failIfExists(Path p, String path) {
    if (exists(p)) {
      throw new BrickException(Errno.EEXIST, path + ": file exists");
    }
  }

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a leftover in .mortar/tmp is cleared at the next start
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, NOFOLLOW)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path c : ds) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
