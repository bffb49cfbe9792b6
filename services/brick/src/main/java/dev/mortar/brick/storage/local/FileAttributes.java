package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage.FsStats;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** A brick file's attributes: read with its file ID in one lstat and one getxattr, and changed. */
final class FileAttributes {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  /** What one lstat gives; not "unix:*", which also looks up the owner's and group's names on every call. */
  private static final String STAT_ATTRIBUTES =
      "unix:mode,ino,nlink,uid,gid,size,lastAccessTime,lastModifiedTime,ctime,rdev";

  private final BrickPaths paths;
  private final ReplicaMeta meta;

  FileAttributes(BrickPaths paths, ReplicaMeta meta) {
    this.paths = paths;
    this.meta = meta;
  }

  /** The attributes of the brick file {@code p}, named {@code path} in errors. */
  Attr of(Path p, String path) {
    try {
      Map<String, Object> a = Files.readAttributes(p, STAT_ATTRIBUTES, NOFOLLOW);
      int mode = (Integer) a.get("mode");
      long size = (Long) a.get("size");
      FileMeta m = meta.read(p, mode);
      return new Attr(m == null ? null : m.gfid(), (Long) a.get("ino"), mode, (Integer) a.get("nlink"),
          (Integer) a.get("uid"), (Integer) a.get("gid"), size, (size + 511) / 512,
          nanos((FileTime) a.get("lastAccessTime")), nanos((FileTime) a.get("lastModifiedTime")),
          nanos((FileTime) a.get("ctime")), (Long) a.get("rdev"));
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  /** The attributes at a volume path; the brick's private metadata is missing, as it is from the volume. */
  Attr lookup(String path) {
    Path p;
    try {
      p = paths.resolve(path);
    } catch (BrickException e) {
      throw BrickNames.hiddenAsMissing(e, path);
    }
    return of(p, path);
  }

  void requireDirectory(Path p, String path) {
    if (!of(p, path).isDirectory()) {
      throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
  }

  Attr chmod(String path, int mode) {
    return setAndStat(path, p -> {
      if (of(p, path).isSymlink()) {
        throw new BrickException(Errno.EOPNOTSUPP, path + ": the mode of a symbolic link cannot be changed");
      }
      Files.setAttribute(p, "unix:mode", mode & 07777, NOFOLLOW);
    });
  }

  Attr chown(String path, int uid, int gid) {
    return setAndStat(path, p -> setOwnerAndMode(p, -1, uid, gid, true));
  }

  FsStats statfs() {
    try {
      FileStore fs = Files.getFileStore(paths.root());
      long bs = fs.getBlockSize();
      return new FsStats(bs, fs.getTotalSpace() / bs, fs.getUnallocatedSpace() / bs, fs.getUsableSpace() / bs,
          BrickNames.MAX_NAME_BYTES);
    } catch (IOException e) {
      throw IoErrors.map(e, "/");
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run(Path p) throws IOException;
  }

  /** Changes something of a file and answers its attributes afterwards, with the errno of any failure. */
  private Attr setAndStat(String path, IoAction action) {
    Path p = paths.resolve(path);
    try {
      action.run(p);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return of(p, path);
  }

  /** Owner first, then the mode (chown clears set-id bits); -1 leaves one as it is. */
  static void setOwnerAndMode(Path p, int mode, int uid, int gid, boolean nofollow) throws IOException {
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

  private static long nanos(FileTime t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
