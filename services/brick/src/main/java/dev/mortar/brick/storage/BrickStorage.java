package dev.mortar.brick.storage;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;

/**
 * One brick's files. Paths are absolute within the volume. Every method is blocking (call it from a worker thread)
 * and fails with a {@link dev.mortar.common.brick.BrickException} carrying the errno a program expects.
 * Implemented on local disk ({@code LocalDiskStorage}) and on an S3 bucket
 * ({@code S3BrickStorage}).
 */
public interface BrickStorage {
  /** The file ID of every brick's root directory. */
  String ROOT_GFID = "00000000-0000-0000-0000-000000000001";

  /** A directory entry with its attributes, so that a listing needs no further lookups. */
  record DirEntry(String name, Attr attr) {}

  /** One entry of the heal index: a file whose replication counters are not all zero. */
  record IndexEntry(String gfid, String path) {}

  /** Filesystem capacity as statfs(2) reports it. */
  record FsStats(long blockSize, long blocks, long blocksFree, long blocksAvailable, int maxNameLength) {}

  Attr lookup(String path);

  List<DirEntry> readdir(String path);

  /** The names in a directory, without their attributes: cheaper than {@link #readdir} where a storage can. */
  default List<String> names(String path) {
    return readdir(path).stream().map(DirEntry::name).toList();
  }

  /** @param gfid the file ID every copy gets (chosen by the client), or null to make one */
  Attr mkdir(String path, int mode, int uid, int gid, String gfid);

  void rmdir(String path);

  Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid);

  /**
   * {@link #create}, with the new file marked dirty {@code dirty} times: a client's new file that it writes next,
   * or heal's entry that it fills next. A storage may do both in one step.
   */
  default Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid, long dirty) {
    Attr a = create(path, mode, uid, gid, exclusive, gfid);
    if (dirty > 0) {
      updateMeta(path, dirty, 0, 0, java.util.Map.of());
    }
    return a;
  }

  /**
   * {@link #create(String, int, int, int, boolean, String, long)} with {@code data} as the file's first bytes where
   * this call made it (the answer's file ID is then {@code gfid}); a file that was there already is not written. A
   * storage may write the bytes before the name appears.
   */
  default Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid, long dirty,
      Buffer data) {
    Attr a = create(path, mode, uid, gid, exclusive, gfid, dirty);
    return data.length() == 0 || gfid == null || !gfid.equals(a.gfid()) ? a : write(path, 0, data);
  }

  Attr open(String path);

  Buffer read(String path, long offset, int size);

  Attr write(String path, long offset, Buffer data);

  /**
   * A write that marks the file dirty first (AFR's pre-op, carried by the first write of a session): {@code dirty}
   * and one data version are added, then the data is written. A storage that can make both one atomic change may:
   * the file then has either the old data and no mark, or the new data and the mark.
   */
  default Attr markAndWrite(String path, long offset, Buffer data, long dirty) {
    updateMeta(path, dirty, 1, 0, Map.of());
    return write(path, offset, data);
  }

  Attr truncate(String path, long size);

  void fsync(String path, boolean dataOnly);

  void unlink(String path);

  void rename(String from, String to);

  Attr link(String existing, String newPath);

  Attr symlink(String path, String target, int uid, int gid, String gfid);

  /**
   * A FIFO, a socket, or a character or block device ({@code rdev} its number): {@code mode} holds the type and the
   * permissions; any other type is EINVAL. The new entry has no data, ever.
   *
   * @param gfid the file ID every copy gets (chosen by the client), or null to make one
   */
  Attr mknod(String path, int mode, long rdev, int uid, int gid, String gfid);

  String readlink(String path);

  Attr chmod(String path, int mode);

  Attr chown(String path, int uid, int gid);

  Attr utimens(String path, long atimeNanos, long mtimeNanos);

  FsStats statfs();

  Buffer getxattr(String path, String name);

  void setxattr(String path, String name, Buffer value, int flags);

  List<String> listxattr(String path);

  void removexattr(String path, String name);

  FileMeta meta(String path);

  /** Adds the deltas to the file's counters atomically; durable before it returns. */
  FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending);

  List<IndexEntry> healIndex();

  /** False while the storage cannot serve (its object store is unreachable): the brick then reports itself down. */
  default boolean online() {
    return true;
  }

  /**
   * Where the files are a plain directory tree: its root's {@code device:inode}, so that a client on the same host
   * can check that the path it sees is this very directory before it reads files there itself. Null otherwise.
   */
  default String localRootId() {
    return null;
  }

  /** Stops background work; the brick is being undeployed. */
  default void close() {
  }
}
