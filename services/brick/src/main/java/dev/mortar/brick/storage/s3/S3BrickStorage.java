package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.storage.MetaCounters;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.config.S3Tunables;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A brick in an S3 bucket (MinIO or any S3-compatible store). Everything the brick has is in the bucket under its
 * prefix, so a brick started on a fresh host with the same bucket serves the same files:
 * <ul>
 *   <li>{@code brick.json}: the volume the brick belongs to;</li>
 *   <li>{@code i/<id>}: one object per file, directory, symlink, FIFO, socket or device node ({@link Inode}): its
 *       names, attributes (a device's number too), user xattrs, replication metadata and the manifest of its data
 *       blocks. The heal index is the set of inodes whose replication metadata is not clean: no separate object to
 *       keep in step;</li>
 *   <li>{@code b/<id>/<block>}: immutable data blocks of at most {@value Blocks#MAX_BLOCK} bytes.</li>
 * </ul>
 * A write puts its bytes in new blocks, then the inode with the new manifest: appending 100 bytes to a 1 GiB file
 * puts a 100-byte block and the inode; an overwrite in the middle puts only the bytes written. Small blocks are
 * merged in the background (compaction), and blocks no manifest names are deleted (at once when a change drops
 * them, by a periodic sweep after a crash).
 *
 * <p>Composed of the tree ({@link InodeTree}, with the name operations in {@link Namespace} and the other
 * attributes in {@link Attributes}), the {@link BlockWriter}, the {@link BlockReader} (with {@link ReadAhead}) and
 * the background work ({@link Compactor}, {@link GarbageCollector}, run by {@link Maintenance}).
 *
 * <p>One node serves a brick at a time (the volume definition says which); two processes on one prefix are not
 * supported.
 */
public final class S3BrickStorage implements BrickStorage {
  private static final String MARKER = "brick.json";
  /** What statfs reports: a bucket has no fixed size. */
  private static final long CAPACITY = 1L << 50;
  private static final int STAT_BLOCK = 4096;

  private final S3Store store;
  private final Maintenance maintenance;
  private final ReadAhead readAhead;
  private final GarbageCollector gc;
  private final InodeTree tree;
  private final Namespace names;
  private final Attributes attributes;
  private final BlockReader reader;
  private final Compactor compactor;
  private final BlockWriter writer;

  /** @param background whether blocks are fetched ahead of readers (the other background work waits for open) */
  private S3BrickStorage(S3Store store, boolean background) {
    this.store = store;
    Blocks blocks = new Blocks(store, new BlockCache(S3Tunables.CACHE_BYTES.get()));
    maintenance = new Maintenance(store.location());
    readAhead = background ? ReadAhead.on(blocks, store.location()) : ReadAhead.off(blocks);
    gc = new GarbageCollector(store, blocks, maintenance);
    tree = new InodeTree(store, new InodeTree.Listener() {
      @Override
      public void blocksDropped(String inodeId, Set<String> dropped) {
        gc.deleteLater(inodeId, dropped);
      }

      @Override
      public void removed(String inodeId) {
        readAhead.forget(inodeId);
      }
    });
    names = new Namespace(tree);
    attributes = new Attributes(tree);
    reader = new BlockReader(tree::regularFile, blocks, readAhead);
    compactor = new Compactor(tree, reader, blocks);
    writer = new BlockWriter(tree, blocks, compactor::offer);
  }

  /** Opens the brick: marks the bucket prefix as this volume's, loads the tree, starts compaction and the sweep. */
  public static S3BrickStorage open(S3Store store, String volumeId) {
    S3BrickStorage s = new S3BrickStorage(store, true);
    store.ensureBucket();
    if (!volumeId.equals(owner(store))) {
      store.put(MARKER, new JsonObject().put("volumeId", volumeId).toBuffer().getBytes());
    }
    s.tree.load(true);
    s.collectGarbage(S3Tunables.GC_GRACE_MS.get());
    s.maintenance.start();
    s.maintenance.every("probe", S3Tunables.PROBE_PERIOD_MS.get(), s::probe);
    s.maintenance.every("compaction", S3Tunables.COMPACT_PERIOD_MS.get(), s.compactor::compactQueued);
    s.maintenance.every("garbage collection", S3Tunables.GC_PERIOD_MS.get(),
        () -> s.collectGarbage(S3Tunables.GC_GRACE_MS.get()));
    return s;
  }

  /** The brick as it is in the bucket, for looking only: nothing is written, nothing runs in the background. */
  public static S3BrickStorage openReadOnly(S3Store store) {
    S3BrickStorage s = new S3BrickStorage(store, false);
    s.tree.load(false);
    return s;
  }

  /** The volume ID the prefix is marked with, or null. */
  public static String owner(S3Store store) {
    byte[] raw = store.get(MARKER);
    return raw == null ? null : new JsonObject(Buffer.buffer(raw)).getString("volumeId");
  }

  @Override
  public boolean online() {
    return store.online();
  }

  private void probe() {
    if (!store.online()) {
      store.probe();
    }
  }

  @Override
  public void close() {
    maintenance.close();
    readAhead.close();
  }

  // ---- names ----

  @Override
  public Attr lookup(String path) {
    return names.lookup(path);
  }

  @Override
  public List<DirEntry> readdir(String path) {
    return names.readdir(path);
  }

  @Override
  public Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    return names.mkdir(path, mode, uid, gid, gfid);
  }

  @Override
  public Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid) {
    return names.create(path, mode, uid, gid, exclusive, gfid);
  }

  @Override
  public Attr symlink(String path, String target, int uid, int gid, String gfid) {
    return names.symlink(path, target, uid, gid, gfid);
  }

  @Override
  public Attr mknod(String path, int mode, long rdev, int uid, int gid, String gfid) {
    return names.mknod(path, mode, rdev, uid, gid, gfid);
  }

  @Override
  public Attr link(String existing, String newPath) {
    return names.link(existing, newPath);
  }

  @Override
  public void unlink(String path) {
    names.unlink(path);
  }

  @Override
  public void rmdir(String path) {
    names.rmdir(path);
  }

  @Override
  public void rename(String from, String to) {
    names.rename(from, to);
  }

  @Override
  public String readlink(String path) {
    return names.readlink(path);
  }

  // ---- data ----

  @Override
  public Attr open(String path) {
    return tree.attr(tree.regularFile(path));
  }

  @Override
  public Buffer read(String path, long offset, int size) {
    return reader.read(path, offset, size);
  }

  @Override
  public Attr write(String path, long offset, Buffer data) {
    return tree.attr(writer.write(path, offset, data, UnaryOperator.identity()));
  }

  /** The dirty mark and the data in one PUT of the inode: the manifest and the mark appear together or not at all. */
  @Override
  public Attr markAndWrite(String path, long offset, Buffer data, long dirty) {
    return tree.attr(writer.write(path, offset, data, m -> MetaCounters.add(path, m, dirty, 1, 0, Map.of())));
  }

  @Override
  public Attr truncate(String path, long size) {
    return tree.attr(writer.truncate(path, size));
  }

  @Override
  public void fsync(String path, boolean dataOnly) {
    tree.find(path); // every change is in the bucket before it is answered: nothing is left to flush
  }

  @Override
  public FsStats statfs() {
    long used = tree.all().stream().mapToLong(i -> i.extents().stream().mapToLong(Extent::len).sum()).sum();
    long free = (CAPACITY - used) / STAT_BLOCK;
    return new FsStats(STAT_BLOCK, CAPACITY / STAT_BLOCK, free, free, BrickNames.MAX_NAME_BYTES);
  }

  // ---- attributes ----

  @Override
  public Attr chmod(String path, int mode) {
    return attributes.chmod(path, mode);
  }

  @Override
  public Attr chown(String path, int uid, int gid) {
    return attributes.chown(path, uid, gid);
  }

  @Override
  public Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    return attributes.utimens(path, atimeNanos, mtimeNanos);
  }

  @Override
  public Buffer getxattr(String path, String name) {
    return attributes.getxattr(path, name);
  }

  @Override
  public void setxattr(String path, String name, Buffer value, int flags) {
    attributes.setxattr(path, name, value, flags);
  }

  @Override
  public List<String> listxattr(String path) {
    return attributes.listxattr(path);
  }

  @Override
  public void removexattr(String path, String name) {
    attributes.removexattr(path, name);
  }

  // ---- replication metadata ----

  @Override
  public FileMeta meta(String path) {
    return tree.find(path).meta();
  }

  /** One PUT of the inode: the counters are durable in the bucket before this returns. */
  @Override
  public FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion,
                             Map<Integer, Long> pending) {
    return attributes.updateMeta(path, dirty, dataVersion, metaVersion, pending);
  }

  @Override
  public List<IndexEntry> healIndex() {
    if (!store.online()) {
      throw new BrickException(Errno.ENOTCONN, "the brick's object store is unreachable");
    }
    Map<String, IndexEntry> out = new TreeMap<>();
    for (Inode i : tree.all()) {
      String p;
      if (!i.meta().clean() && (p = tree.pathOf(i)) != null) {
        out.putIfAbsent(i.meta().gfid(), new IndexEntry(i.meta().gfid(), p));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** Sweeps the blocks no manifest names that are older than {@code graceMs}. */
  void collectGarbage(long graceMs) {
    gc.sweep(graceMs, tree::blocksOf);
  }

  // ---- for tests ----

  /** The number of data extents of a file, to see compaction work. */
  int extentCount(String path) {
    return tree.find(path).extents().size();
  }

  /** The set of block keys the bucket holds for a file. */
  Set<String> blockKeys(String path) {
    Inode f = tree.find(path);
    Set<String> out = new HashSet<>();
    f.blocks().forEach(b -> out.add(Blocks.key(f.id(), b)));
    return out;
  }
}
