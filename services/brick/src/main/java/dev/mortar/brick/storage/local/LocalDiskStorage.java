package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.config.LocalDiskTunables;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * A brick on local disk: each file at the same relative path under the brick directory, so the brick is a plain,
 * readable copy of the volume. Nothing under {@code .mortar} shows through the volume. Composed of parts, each with
 * its own state and lock:
 *
 * <ul>
 *   <li>the POSIX file tree: {@link BrickPaths} (volume paths resolved safely under the brick directory),
 *       {@link Namespace} (names: made, linked, renamed, removed, listed), {@link FileData}, {@link FileAttributes}
 *       and {@link BrickXattrs}, with {@link SpecialFiles} for what must never open a FIFO or device node;</li>
 *   <li>the replication metadata: {@link ReplicaMeta} (the {@code user.mortar.meta} attribute and its counters) and
 *       the {@link HealIndex} ({@code .mortar/index/<gfid>}, holding path hints);</li>
 *   <li>{@link HintRelocator}: the heal index as answered, stale hints found again by file ID.</li>
 * </ul>
 *
 * <p>Crash safety: a new file or directory gets its metadata before its name appears, so a crash never leaves a file
 * without its ID; a heal-index entry is made before the metadata that needs it (fsynced when it records a blame),
 * and removed only after the metadata is clean again.
 */
public final class LocalDiskStorage implements BrickStorage {
  private final String rootId;
  private final BrickPaths paths;
  private final ReplicaMeta meta;
  private final FileAttributes attributes;
  private final FileTimes times;
  private final Namespace namespace;
  private final FileData data;
  private final BrickXattrs xattrs;
  private final SpecialFiles specials;
  private final HintRelocator relocator;

  private LocalDiskStorage(Path root) throws IOException {
    POSIX posix = POSIXFactory.getNativePOSIX();
    Map<String, Object> a = Files.readAttributes(root, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    this.rootId = a.get("dev") + ":" + a.get("ino");
    this.paths = new BrickPaths(root, posix, LocalDiskTunables.CHECKED_DIRS.getInt());
    Path priv = paths.metaDir();
    Path tmp = AccessTimes.keptBelow(Files.createDirectories(priv.resolve("tmp")), posix);
    AccessTimes.keptBelow(paths.root(), posix); // the root itself: the one directory not made under tmp
    clear(tmp);
    HealIndex index = new HealIndex(priv.resolve("index"), priv.resolve("spare"), posix);
    this.meta = new ReplicaMeta(paths, tmp, priv.resolve("ino"), index, posix);
    this.attributes = new FileAttributes(paths, meta);
    this.times = new FileTimes(paths, attributes, posix);
    this.namespace = new Namespace(paths, attributes, meta, index,
        new NewFiles(posix, new BirthDirs(priv.resolve("birth"), posix)), tmp, posix);
    this.data = new FileData(paths, attributes, posix);
    this.xattrs = new BrickXattrs(paths, posix);
    this.specials = new SpecialFiles(paths, attributes, posix);
    this.relocator = new HintRelocator(paths, meta, index, namespace.lock(),
        LocalDiskTunables.RELOCATE_AGAIN_SECONDS.get() * 1_000_000_000L);
  }

  /** Opens a prepared brick directory ({@link BrickDirectory#prepare}); clears what a crash left half-made. */
  public static LocalDiskStorage open(Path dir) throws IOException {
    LocalDiskStorage s = new LocalDiskStorage(dir.toRealPath());
    Path root = s.paths.root();
    if (s.meta.read(root) == null) {
      s.meta.write(root, new FileMeta(ROOT_GFID, 0, 0, 0, Map.of()));
    }
    return s;
  }

  /** Read once at open: STATUS answers it on the event loop. */
  @Override
  public String localRootId() {
    return rootId;
  }

  /** The metadata of a file of the brick, as it is on disk (tests). */
  FileMeta readMeta(Path p) {
    return meta.read(p);
  }

  // ---- the file tree ----

  @Override
  public Attr lookup(String path) {
    return attributes.lookup(path);
  }

  @Override
  public List<DirEntry> readdir(String path) {
    return namespace.readdir(path);
  }

  @Override
  public List<String> names(String path) {
    return namespace.names(path);
  }

  @Override
  public Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    return namespace.mkdir(path, mode, uid, gid, gfid);
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
    return namespace.create(path, mode, uid, gid, exclusive, gfid, dirty, data);
  }

  @Override
  public Attr symlink(String path, String target, int uid, int gid, String gfid) {
    return namespace.symlink(path, target, uid, gid, gfid);
  }

  @Override
  public Attr mknod(String path, int mode, long rdev, int uid, int gid, String gfid) {
    return namespace.mknod(path, mode, rdev, uid, gid, gfid);
  }

  @Override
  public Attr link(String existing, String newPath) {
    return namespace.link(existing, newPath);
  }

  @Override
  public void unlink(String path) {
    namespace.unlink(path);
  }

  @Override
  public void rmdir(String path) {
    namespace.rmdir(path);
  }

  @Override
  public void rename(String from, String to) {
    namespace.rename(from, to);
  }

  @Override
  public String readlink(String path) {
    return namespace.readlink(path);
  }

  @Override
  public Attr open(String path) {
    return data.open(path);
  }

  @Override
  public Buffer read(String path, long offset, int size) {
    return data.read(path, offset, size);
  }

  @Override
  public Attr write(String path, long offset, Buffer bytes) {
    return data.write(path, offset, bytes);
  }

  @Override
  public Attr truncate(String path, long size) {
    return data.truncate(path, size);
  }

  @Override
  public void fsync(String path, boolean dataOnly) {
    specials.refuseData(path);
    data.fsync(path, dataOnly);
  }

  @Override
  public Attr chmod(String path, int mode) {
    return specials.is(path) ? specials.chmod(path, mode) : attributes.chmod(path, mode);
  }

  @Override
  public Attr chown(String path, int uid, int gid) {
    return attributes.chown(path, uid, gid);
  }

  @Override
  public Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    return times.utimens(path, atimeNanos, mtimeNanos);
  }

  @Override
  public FsStats statfs() {
    return attributes.statfs();
  }

  @Override
  public Buffer getxattr(String path, String name) {
    return xattrs.get(path, name);
  }

  @Override
  public void setxattr(String path, String name, Buffer value, int flags) {
    xattrs.set(path, name, value, flags);
  }

  @Override
  public List<String> listxattr(String path) {
    return xattrs.list(path);
  }

  @Override
  public void removexattr(String path, String name) {
    xattrs.remove(path, name);
  }

  // ---- replication metadata ----

  @Override
  public FileMeta meta(String path) {
    return meta.get(paths.resolve(path), path);
  }

  @Override
  public FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion,
                             Map<Integer, Long> pending) {
    return meta.update(paths.resolve(path), path, dirty, dataVersion, metaVersion, pending);
  }

  @Override
  public List<IndexEntry> healIndex() {
    return relocator.healIndex();
  }

  private static void clear(Path tmp) throws IOException {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
      for (Path p : leftovers) {
        deleteTree(p);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path c : ds) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
