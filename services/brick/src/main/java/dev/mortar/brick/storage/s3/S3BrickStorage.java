package dev.mortar.brick.storage.s3;

import dev.mortar.brick.BrickNames;
import dev.mortar.brick.BrickStorage;
import dev.mortar.brick.LocalDiskStorage;
import dev.mortar.brick.MetaCounters;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A brick in an S3 bucket (MinIO or any S3-compatible store). Everything the brick has is in the bucket under its
 * prefix, so a brick started on a fresh host with the same bucket serves the same files:
 * <ul>
 *   <li>{@code brick.json}: the volume the brick belongs to;</li>
 *   <li>{@code i/<id>}: one object per file, directory or symlink ({@link Inode}): its names, attributes, user
 *       xattrs, replication metadata and the manifest of its data blocks. The heal index is the set of inodes whose
 *       replication metadata is not clean: no separate object to keep in step;</li>
 *   <li>{@code b/<id>/<block>}: immutable data blocks of at most {@value #MAX_BLOCK} bytes.</li>
 * </ul>
 * A write puts its bytes in new blocks, then the inode with the new manifest: appending 100 bytes to a 1 GiB file
 * puts a 100-byte block and the inode; an overwrite in the middle puts only the bytes written. Small blocks are
 * merged in the background (compaction), and blocks no manifest names are deleted (at once when a change drops
 * them, by a periodic sweep after a crash).
 *
 * <p>The tree is held in memory (loaded from the inodes at open) and every change is in the bucket before it is
 * answered: the store first, then memory. Crash safety follows from the order of PUTs: data blocks before the
 * manifest that names them (a crash leaves only unnamed blocks, which the sweep removes); a rename puts the moved
 * inode before the replaced one gives up the name (should both claim it at the next open, the newer wins).
 *
 * <p>One node serves a brick at a time (the volume definition says which); two processes on one prefix are not
 * supported.
 */
public final class S3BrickStorage implements BrickStorage {
  private static final Logger LOG = Logger.getLogger(S3BrickStorage.class.getName());
  static final String ROOT_ID = LocalDiskStorage.ROOT_GFID;
  static final String INODES = "i/";
  static final String BLOCKS = "b/";
  static final String MARKER = "brick.json";
  /** Largest data block: a write is cut into blocks of at most this, compaction merges up to this. */
  static final int MAX_BLOCK = 4 << 20;
  /** Blocks smaller than this are merged once a file has {@link #COMPACT_AFTER} of them. */
  static final int SMALL_BLOCK = 1 << 20;
  static final int COMPACT_AFTER = 8;
  private static final long CACHE_BYTES = 64L << 20;
  /** A dropped block lives on briefly, for reads that began with the manifest before the change. */
  private static final long DELETE_DELAY_MS = 5_000;
  /** The sweep leaves young unnamed blocks alone: they may belong to a write whose manifest is on its way. */
  private static final long GC_GRACE_MS = 120_000;
  private static final long GC_EVERY_MS = 600_000;
  private static final long PROBE_EVERY_MS = 1_000;
  private static final long COMPACT_EVERY_MS = 1_000;
  private static final int LOAD_THREADS = 16;
  private static final int READ_RETRIES = 3;
  /** How far ahead of a sequential reader blocks are fetched. */
  private static final long READ_AHEAD = 8L << 20;
  /** Reads of a stream may arrive a little out of order (the kernel reads ahead in parallel). */
  private static final long SEQUENTIAL_SLACK = 1L << 20;
  /** What statfs reports: a bucket has no fixed size. */
  private static final long CAPACITY = 1L << 50;
  private static final int STAT_BLOCK = 4096;

  private final S3Store store;
  private final BlockCache cache = new BlockCache(CACHE_BYTES);
  private final Map<String, Inode> inodes = new ConcurrentHashMap<>();
  /** Directory id -> name -> inode id: the tree, rebuilt from the inodes' names at open. */
  private final Map<String, ConcurrentSkipListMap<String, String>> children = new ConcurrentHashMap<>();
  /** Namespace changes one at a time, so check-then-act cannot race (as on local disk). */
  private final ReentrantLock namespace = new ReentrantLock();
  /** Read-modify-write of one inode; taken after {@link #namespace} when both are needed. */
  private final ReentrantLock[] stripes = new ReentrantLock[64];
  private final Set<String> toCompact = ConcurrentHashMap.newKeySet();
  private final Map<String, Queue<PendingWrite>> pendingWrites = new ConcurrentHashMap<>();
  private ScheduledExecutorService maintenance;
  /** Where the last read of each file ended, to see sequential reads. */
  private final Map<String, Long> readEnds = new ConcurrentHashMap<>();
  private final Set<String> fetching = ConcurrentHashMap.newKeySet();
  private ExecutorService prefetcher;

  private S3BrickStorage(S3Store store) {
    this.store = store;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  /** Opens the brick: marks the bucket prefix as this volume's, loads the tree, starts compaction and the sweep. */
  public static S3BrickStorage open(S3Store store, String volumeId) {
    S3BrickStorage s = new S3BrickStorage(store);
    store.ensureBucket();
    if (!volumeId.equals(owner(store))) {
      store.put(MARKER, new JsonObject().put("volumeId", volumeId).toBuffer().getBytes());
    }
    s.load(true);
    s.collectGarbage(GC_GRACE_MS);
    s.maintenance = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mortar-s3-" + store.location()));
    s.prefetcher = Executors.newFixedThreadPool(2, r -> daemon(r, "mortar-s3-read-ahead-" + store.location()));
    s.maintenance.scheduleWithFixedDelay(s.quietly("probe", s::probe), PROBE_EVERY_MS, PROBE_EVERY_MS,
        TimeUnit.MILLISECONDS);
    s.maintenance.scheduleWithFixedDelay(s.quietly("compaction", s::compactQueued), COMPACT_EVERY_MS,
        COMPACT_EVERY_MS, TimeUnit.MILLISECONDS);
    s.maintenance.scheduleWithFixedDelay(s.quietly("garbage collection", () -> s.collectGarbage(GC_GRACE_MS)),
        GC_EVERY_MS, GC_EVERY_MS, TimeUnit.MILLISECONDS);
    return s;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The brick as it is in the bucket, for looking only: nothing is written, nothing runs in the background. */
  public static S3BrickStorage openReadOnly(S3Store store) {
    S3BrickStorage s = new S3BrickStorage(store);
    s.load(false);
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

  @Override
  public void close() {
    if (maintenance != null) {
      maintenance.shutdownNow();
      prefetcher.shutdownNow();
    }
  }

  // ---- loading ----

  private void load(boolean repair) {
    List<S3Store.Entry> keys = store.list(INODES);
    Map<String, Inode> all = new HashMap<>();
    // GETs in parallel: a brick with many files starts in seconds, not minutes.
    ExecutorService pool = Executors.newFixedThreadPool(LOAD_THREADS);
    try {
      List<Future<byte[]>> raw = keys.stream().map(k -> pool.submit(() -> store.get(k.key()))).toList();
      for (Future<byte[]> f : raw) {
        byte[] b = f.get();
        if (b != null) {
          Inode i = Inode.decode(b);
          all.put(i.id(), i);
        }
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrickException b ? b : new BrickException(Errno.EIO, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrickException(Errno.EIO, "interrupted while loading the brick");
    } finally {
      pool.shutdownNow();
    }
    if (!all.containsKey(ROOT_ID)) {
      Inode root = new Inode(ROOT_ID, List.of(), new FileMeta(LocalDiskStorage.ROOT_GFID, 0, 0, 0, Map.of()),
          Attr.S_IFDIR | 0755, 0, 0, S3Clock.now(), S3Clock.now(), S3Clock.now(), 0, null, Map.of(), List.of());
      if (repair) {
        store.put(INODES + ROOT_ID, root.encode());
      }
      all.put(ROOT_ID, root);
    }
    inodes.putAll(all);
    all.values().stream().filter(Inode::isDirectory)
        .forEach(d -> children.put(d.id(), new ConcurrentSkipListMap<>()));
    Map<String, Inode.Name> lost = new LinkedHashMap<>();
    for (Inode i : all.values()) {
      for (Inode.Name n : i.names()) {
        var dir = children.get(n.parent());
        if (dir == null) {
          LOG.warning("brick " + store.location() + ": " + n.name() + " (" + i.id() + ") is in a directory that no"
              + " longer exists; left as it is");
          continue;
        }
        String other = dir.get(n.name());
        // Two inodes claim one name only after a crash in a rename: the one renamed last (newer ctime) has it.
        if (other == null || all.get(other).ctime() < i.ctime()) {
          dir.put(n.name(), i.id());
          if (other != null) {
            lost.put(other, n);
          }
        } else {
          lost.put(i.id(), n);
        }
      }
    }
    if (repair) {
      lost.forEach((id, n) -> dropName(inodes.get(id), n));
    }
    LOG.info("brick " + store.location() + ": " + inodes.size() + " files and directories loaded from the bucket");
  }

  // ---- the tree ----

  private ConcurrentSkipListMap<String, String> children(String dirId) {
    var c = children.get(dirId);
    if (c == null) {
      throw new BrickException(Errno.ENOENT, "directory " + dirId + " no longer exists");
    }
    return c;
  }

  private Inode inode(String id, String path) {
    Inode i = inodes.get(id);
    if (i == null) {
      throw new BrickException(Errno.ENOENT, path + ": no such file or directory");
    }
    return i;
  }

  /** Walks the tree: ENOENT, ENOTDIR or ELOOP (a symlink is never followed on a brick) as the walk meets them. */
  private Inode walk(String path, List<String> parts) {
    Inode cur = inode(ROOT_ID, "/");
    for (String part : parts) {
      if (!cur.isDirectory()) {
        throw cur.isSymlink() ? new BrickException(Errno.ELOOP, "'" + path + "' goes through a symbolic link;"
            + " bricks never follow them") : new BrickException(Errno.ENOTDIR, path + ": not a directory");
      }
      String id = children(cur.id()).get(part);
      if (id == null) {
        throw new BrickException(Errno.ENOENT, path + ": no such file or directory");
      }
      cur = inode(id, path);
    }
    return cur;
  }

  private Inode find(String path) {
    return walk(path, BrickNames.components(path));
  }

  private Inode findOrNull(String path) {
    try {
      return find(path);
    } catch (BrickException e) {
      if (e.errno() == Errno.ENOENT) {
        return null;
      }
      throw e;
    }
  }

  /** Where {@code path} is or would be: its directory (which must exist) and its name there. */
  private Inode.Name slot(String path) {
    List<String> parts = BrickNames.components(path);
    if (parts.isEmpty()) {
      throw new BrickException(Errno.EEXIST, "/: the volume root exists");
    }
    Inode dir = walk(path, parts.subList(0, parts.size() - 1));
    if (!dir.isDirectory()) {
      throw dir.isSymlink() ? new BrickException(Errno.ELOOP, "'" + path + "' goes through a symbolic link")
          : new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
    return new Inode.Name(dir.id(), parts.get(parts.size() - 1));
  }

  private String pathOf(Inode i) {
    List<String> parts = new ArrayList<>();
    Inode cur = i;
    while (!cur.id().equals(ROOT_ID)) {
      if (cur.names().isEmpty() || parts.size() > 4096) {
        return null;
      }
      Inode.Name n = cur.names().get(0);
      parts.add(0, n.name());
      cur = inodes.get(n.parent());
      if (cur == null) {
        return null;
      }
    }
    return "/" + String.join("/", parts);
  }

  private Attr attr(Inode i) {
    if (i.isDirectory()) {
      var c = children.get(i.id());
      long subdirs = c == null ? 0 : c.values().stream().map(inodes::get)
          .filter(x -> x != null && x.isDirectory()).count();
      return i.attr((int) (2 + subdirs));
    }
    return i.attr(i.names().size());
  }

  // ---- changes: the store first, then memory ----

  private ReentrantLock stripe(String id) {
    return stripes[Math.floorMod(id.hashCode(), stripes.length)];
  }

  private Inode save(Inode next) {
    store.put(INODES + next.id(), next.encode());
    inodes.put(next.id(), next);
    return next;
  }

  /** Changes one inode under its lock; blocks the change no longer names are deleted a little later. */
  private Inode change(Inode found, UnaryOperator<Inode> fn) {
    ReentrantLock l = stripe(found.id());
    l.lock();
    try {
      Inode cur = inode(found.id(), "file " + found.id());
      Inode next = fn.apply(cur);
      if (next == cur) {
        return cur;
      }
      save(next);
      Set<String> dropped = cur.blocks();
      dropped.removeAll(next.blocks());
      deleteBlocksLater(cur.id(), dropped);
      return next;
    } finally {
      l.unlock();
    }
  }

  private Inode change(String path, UnaryOperator<Inode> fn) {
    return change(find(path), fn);
  }

  /** Takes one name from an inode; with its last name the inode and its blocks go. */
  /** Unlink and rmdir: the name leaves its directory and the inode (which goes with its last name). */
  private void unname(Inode i, Inode.Name name) {
    dropName(i, name);
    children(name.parent()).remove(name.name());
  }

  private void dropName(Inode i, Inode.Name name) {
    ReentrantLock l = stripe(i.id());
    l.lock();
    try {
      Inode cur = inodes.get(i.id());
      if (cur == null) {
        return;
      }
      List<Inode.Name> rest = new ArrayList<>(cur.names());
      rest.remove(name);
      if (rest.isEmpty()) {
        store.delete(INODES + cur.id());
        inodes.remove(cur.id());
        children.remove(cur.id());
        readEnds.remove(cur.id());
        deleteBlocksLater(cur.id(), cur.blocks());
      } else {
        save(cur.withNames(rest));
      }
    } finally {
      l.unlock();
    }
  }

  private <T> T underNamespace(Supplier<T> action) {
    namespace.lock();
    try {
      return action.get();
    } finally {
      namespace.unlock();
    }
  }

  private Attr make(Inode.Name slot, Inode made) {
    save(made);
    if (made.isDirectory()) {
      children.put(made.id(), new ConcurrentSkipListMap<>());
    }
    children(slot.parent()).put(slot.name(), made.id());
    return attr(made);
  }

  // ---- names ----

  @Override
  public Attr lookup(String path) {
    try {
      return attr(find(path));
    } catch (BrickException e) {
      throw BrickNames.hiddenAsMissing(e, path);
    }
  }

  @Override
  public List<DirEntry> readdir(String path) {
    Inode dir = find(path);
    if (!dir.isDirectory()) {
      throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
    }
    List<DirEntry> out = new ArrayList<>();
    children(dir.id()).forEach((name, id) -> {
      Inode i = inodes.get(id);
      if (i != null) { // removed while listing: not an error
        out.add(new DirEntry(name, attr(i)));
      }
    });
    return out;
  }

  @Override
  public Attr mkdir(String path, int mode, int uid, int gid, String gfid) {
    return underNamespace(() -> {
      Inode.Name slot = slot(path);
      failIfExists(slot, path);
      return make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFDIR | (mode & 07777), uid, gid, null));
    });
  }

  @Override
  public Attr create(String path, int mode, int uid, int gid, boolean exclusive, String gfid) {
    return underNamespace(() -> {
      Inode existing = findOrNull(path);
      if (existing != null) {
        if (exclusive) {
          throw new BrickException(Errno.EEXIST, path + ": file exists");
        }
        if (existing.isDirectory()) {
          throw new BrickException(Errno.EISDIR, path + ": is a directory");
        }
        return attr(existing);
      }
      Inode.Name slot = slot(path);
      return make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFREG | (mode & 07777), uid, gid, null));
    });
  }

  @Override
  public Attr symlink(String path, String target, int uid, int gid, String gfid) {
    BrickNames.checkSymlinkTarget(path, target);
    return underNamespace(() -> {
      Inode.Name slot = slot(path);
      failIfExists(slot, path);
      return make(slot, Inode.create(slot, BrickNames.fileId(gfid), Attr.S_IFLNK | 0777, uid, gid, target));
    });
  }

  private void failIfExists(Inode.Name slot, String path) {
    if (children(slot.parent()).containsKey(slot.name())) {
      throw new BrickException(Errno.EEXIST, path + ": file exists");
    }
  }

  @Override
  public Attr link(String existing, String newPath) {
    return underNamespace(() -> {
      Inode src = find(existing);
      if (src.isDirectory()) {
        throw new BrickException(Errno.EPERM, existing + ": hard links to directories are not allowed");
      }
      Inode.Name slot = slot(newPath);
      failIfExists(slot, newPath);
      Inode next = change(src, cur -> {
        List<Inode.Name> names = new ArrayList<>(cur.names());
        names.add(slot);
        return cur.withNames(names);
      });
      children(slot.parent()).put(slot.name(), next.id());
      return attr(next);
    });
  }

  @Override
  public void unlink(String path) {
    underNamespace(() -> {
      Inode f = find(path);
      if (f.isDirectory()) {
        throw new BrickException(Errno.EISDIR, path + ": is a directory; use rmdir");
      }
      unname(f, slot(path));
      return null;
    });
  }

  @Override
  public void rmdir(String path) {
    underNamespace(() -> {
      Inode d = find(path);
      if (d.id().equals(ROOT_ID)) {
        throw new BrickException(Errno.EBUSY, "the volume root cannot be removed");
      }
      if (!d.isDirectory()) {
        throw new BrickException(Errno.ENOTDIR, path + ": not a directory");
      }
      if (!children(d.id()).isEmpty()) {
        throw new BrickException(Errno.ENOTEMPTY, path + ": directory not empty");
      }
      unname(d, slot(path));
      return null;
    });
  }

  @Override
  public void rename(String from, String to) {
    if (BrickNames.components(from).isEmpty() || BrickNames.components(to).isEmpty()) {
      throw new BrickException(Errno.EINVAL, "the volume root cannot be renamed");
    }
    underNamespace(() -> {
      Inode src = find(from);
      if (from.equals(to)) {
        return null;
      }
      if (src.isDirectory() && to.startsWith(from + "/")) {
        throw new BrickException(Errno.EINVAL, to + " is inside " + from + "; a directory cannot move into itself");
      }
      Inode.Name fromName = slot(from);
      Inode.Name toName = slot(to);
      Inode replaced = findOrNull(to);
      if (replaced != null) {
        if (src.isDirectory() && !replaced.isDirectory()) {
          throw new BrickException(Errno.ENOTDIR, to + ": not a directory");
        }
        if (!src.isDirectory() && replaced.isDirectory()) {
          throw new BrickException(Errno.EISDIR, to + ": is a directory");
        }
        if (replaced.id().equals(src.id())) {
          return null; // two names of one file: rename(2) does nothing
        }
        if (replaced.isDirectory() && !children(replaced.id()).isEmpty()) {
          throw new BrickException(Errno.ENOTEMPTY, to + ": directory not empty");
        }
      }
      // The moved inode first: should the brick stop before the replaced one gives up the name, both claim it and
      // the newer ctime (the moved one) wins at the next open.
      change(src, cur -> cur.renamed(fromName, toName));
      children(fromName.parent()).remove(fromName.name());
      children(toName.parent()).put(toName.name(), src.id());
      if (replaced != null) {
        dropName(replaced, toName);
      }
      return null;
    });
  }

  @Override
  public String readlink(String path) {
    Inode i = find(path);
    if (!i.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": not a symbolic link");
    }
    return i.target();
  }

  // ---- data ----

  private Inode regularFile(String path) {
    Inode i = find(path);
    BrickNames.checkOpenable(path, i.attr(1));
    return i;
  }

  @Override
  public Attr open(String path) {
    return attr(regularFile(path));
  }

  @Override
  public Buffer read(String path, long offset, int size) {
    BrickNames.checkRead(path, offset, size);
    Inode f = regularFile(path);
    for (int attempt = 1; ; attempt++) {
      try {
        int n = (int) Math.max(0, Math.min(size, f.size() - offset));
        byte[] b = bytes(f, offset, n);
        readAhead(f, offset, offset + n);
        return Buffer.buffer(b);
      } catch (MissingBlock e) {
        // compaction replaced the manifest while we read: read again with the current one
        if (attempt == READ_RETRIES) {
          throw new BrickException(Errno.EIO, path + ": block " + e.getMessage() + " is missing from the bucket");
        }
        f = regularFile(path);
      }
    }
  }

  /** Bytes [offset, offset+len) of a file; holes read as zeros. */
  private byte[] bytes(Inode f, long offset, int len) {
    byte[] out = new byte[len];
    long end = offset + len;
    for (Extent e : f.extents()) {
      if (e.end() <= offset || e.off() >= end) {
        continue;
      }
      long from = Math.max(e.off(), offset);
      long to = Math.min(e.end(), end);
      byte[] block = block(f.id(), e.block());
      System.arraycopy(block, (int) (e.blockOff() + from - e.off()), out, (int) (from - offset), (int) (to - from));
    }
    return out;
  }

  private static final class MissingBlock extends RuntimeException {
    MissingBlock(String key) {
      super(key, null, false, false);
    }
  }

  private byte[] block(String id, String block) {
    String key = BLOCKS + id + "/" + block;
    byte[] b = cache.get(key);
    if (b == null) {
      b = store.get(key);
      if (b == null) {
        throw new MissingBlock(key);
      }
      cache.put(key, b);
    }
    return b;
  }

  /**
   * A file read in sequence (this read starts about where the last one ended) has its next blocks fetched in the
   * background, so the reader does not wait for a GET at every block boundary.
   */
  private void readAhead(Inode f, long offset, long end) {
    Long last = readEnds.put(f.id(), end);
    if (maintenance == null || last == null || Math.abs(offset - last) > SEQUENTIAL_SLACK) {
      return;
    }
    for (Extent e : f.extents()) {
      if (e.off() >= end && e.off() < end + READ_AHEAD) {
        String key = BLOCKS + f.id() + "/" + e.block();
        if (cache.get(key) == null && fetching.add(key)) {
          prefetcher.execute(() -> {
            try {
              block(f.id(), e.block());
            } catch (RuntimeException ignored) {
              // a read-ahead that fails costs nothing: the reader fetches the block itself
            } finally {
              fetching.remove(key);
            }
          });
        }
      }
    }
  }

  private String putBlock(String id, byte[] data) {
    String block = UUID.randomUUID().toString().replace("-", "");
    String key = BLOCKS + id + "/" + block;
    store.put(key, data);
    cache.put(key, data);
    return block;
  }

  @Override
  public Attr write(String path, long offset, Buffer data) {
    return write(path, offset, data, UnaryOperator.identity());
  }

  /** The dirty mark and the data in one PUT of the inode: the manifest and the mark appear together or not at all. */
  @Override
  public Attr markAndWrite(String path, long offset, Buffer data, long dirty) {
    return write(path, offset, data, m -> MetaCounters.add(path, m, dirty, 1, 0, Map.of()));
  }

  private Attr write(String path, long offset, Buffer data, UnaryOperator<FileMeta> meta) {
    if (offset < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative offset");
    }
    Inode f = regularFile(path);
    byte[] bytes = data.getBytes();
    // The bytes first, in new blocks; then the manifest that names them. A crash in between leaves only blocks no
    // manifest names, which the sweep removes.
    List<Extent> pieces = new ArrayList<>();
    for (int pos = 0; pos < bytes.length; pos += MAX_BLOCK) {
      int n = Math.min(MAX_BLOCK, bytes.length - pos);
      pieces.add(new Extent(offset + pos, n, putBlock(f.id(), Arrays.copyOfRange(bytes, pos, pos + n)), 0));
    }
    Inode next = commit(f, new PendingWrite(pieces, offset + bytes.length, meta, new CompletableFuture<>()));
    if (next.extents().stream().filter(e -> e.len() < SMALL_BLOCK).count() >= COMPACT_AFTER) {
      toCompact.add(next.id());
    }
    return attr(next);
  }

  /** A write whose blocks are in the bucket and whose manifest change is not yet. */
  private record PendingWrite(List<Extent> pieces, long end, UnaryOperator<FileMeta> meta,
                              CompletableFuture<Inode> done) {
    Inode applyTo(Inode cur) {
      List<Extent> ex = cur.extents();
      for (Extent p : pieces) {
        ex = Extent.write(ex, p.off(), p.len(), p.block());
      }
      return cur.withMeta(meta.apply(cur.meta())).withData(ex, Math.max(cur.size(), end));
    }
  }

  /**
   * Group commit: writes of one file that wait for its lock are put in one manifest PUT by whichever gets the lock
   * first (the client keeps many writes of a stream in flight). Every writer queues its write, then takes the
   * lock and commits what its queue holds, unless someone already did.
   */
  private Inode commit(Inode f, PendingWrite w) {
    Queue<PendingWrite> queue = pendingWrites.computeIfAbsent(f.id(), k -> new ConcurrentLinkedQueue<>());
    queue.add(w);
    ReentrantLock l = stripe(f.id());
    l.lock();
    try {
      if (!w.done().isDone()) {
        List<PendingWrite> batch = new ArrayList<>();
        for (PendingWrite p; (p = queue.poll()) != null; ) {
          batch.add(p);
        }
        pendingWrites.remove(f.id(), queue); // an empty queue is not kept; a later writer makes a new one
        try {
          Inode next = change(f, cur -> {
            Inode n = cur;
            for (PendingWrite p : batch) {
              n = p.applyTo(n);
            }
            return n;
          });
          batch.forEach(p -> p.done().complete(next));
        } catch (RuntimeException e) {
          batch.forEach(p -> p.done().completeExceptionally(e));
        }
      }
    } finally {
      l.unlock();
    }
    try {
      return w.done().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public Attr truncate(String path, long size) {
    if (size < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative size");
    }
    Inode f = find(path);
    if (f.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (f.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": is a symbolic link");
    }
    return attr(change(f, cur -> cur.withData(Extent.truncate(cur.extents(), size), size)));
  }

  @Override
  public void fsync(String path, boolean dataOnly) {
    find(path); // every change is in the bucket before it is answered: nothing is left to flush
  }

  // ---- attributes ----

  @Override
  public Attr chmod(String path, int mode) {
    Inode f = find(path);
    if (f.isSymlink()) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": the mode of a symbolic link cannot be changed");
    }
    return attr(change(f, cur -> cur.withMode(mode)));
  }

  @Override
  public Attr chown(String path, int uid, int gid) {
    return attr(change(path, cur -> cur.withOwner(uid, gid)));
  }

  @Override
  public Attr utimens(String path, long atimeNanos, long mtimeNanos) {
    return attr(change(path, cur -> cur.withTimes(time(atimeNanos, cur.atime()), time(mtimeNanos, cur.mtime()))));
  }

  private static long time(long asked, long current) {
    if (asked == BrickFields.TIME_OMIT) {
      return current;
    }
    return asked == BrickFields.TIME_NOW ? S3Clock.now() : asked;
  }

  @Override
  public FsStats statfs() {
    long used = inodes.values().stream().mapToLong(i -> i.extents().stream().mapToLong(Extent::len).sum()).sum();
    long free = (CAPACITY - used) / STAT_BLOCK;
    return new FsStats(STAT_BLOCK, CAPACITY / STAT_BLOCK, free, free, BrickNames.MAX_NAME_BYTES);
  }

  // ---- extended attributes (the user's) ----

  private Inode xattrTarget(String path, String name) {
    if (name != null) {
      BrickNames.checkXattrName(name);
    }
    Inode f = find(path);
    if (f.isSymlink()) {
      throw new BrickException(Errno.EPERM, path + ": symbolic links cannot carry user extended attributes");
    }
    return f;
  }

  @Override
  public Buffer getxattr(String path, String name) {
    String v = xattrTarget(path, name).xattrs().get(name);
    if (v == null) {
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    return Buffer.buffer(Base64.getDecoder().decode(v));
  }

  @Override
  public void setxattr(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    change(xattrTarget(path, name), cur -> {
      BrickNames.checkXattrFlags(path, name, cur.xattrs().containsKey(name), flags);
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.put(name, Base64.getEncoder().encodeToString(value.getBytes()));
      return cur.withXattrs(x);
    });
  }

  @Override
  public List<String> listxattr(String path) {
    return new ArrayList<>(new TreeMap<>(xattrTarget(path, null).xattrs()).keySet());
  }

  @Override
  public void removexattr(String path, String name) {
    change(xattrTarget(path, name), cur -> {
      if (!cur.xattrs().containsKey(name)) {
        throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
      }
      Map<String, String> x = new TreeMap<>(cur.xattrs());
      x.remove(name);
      return cur.withXattrs(x);
    });
  }

  // ---- replication metadata ----

  @Override
  public FileMeta meta(String path) {
    return find(path).meta();
  }

  /** One PUT of the inode: the counters are durable in the bucket before this returns. */
  @Override
  public FileMeta updateMeta(String path, long dirty, long dataVersion, long metaVersion,
                             Map<Integer, Long> pending) {
    return change(path, cur -> cur.withMeta(MetaCounters.add(path, cur.meta(), dirty, dataVersion, metaVersion,
        pending))).meta();
  }

  @Override
  public List<IndexEntry> healIndex() {
    if (!store.online()) {
      throw new BrickException(Errno.ENOTCONN, "the brick's object store is unreachable");
    }
    Map<String, IndexEntry> out = new TreeMap<>();
    for (Inode i : inodes.values()) {
      String p;
      if (!i.meta().clean() && (p = pathOf(i)) != null) {
        out.putIfAbsent(i.meta().gfid(), new IndexEntry(i.meta().gfid(), p));
      }
    }
    return new ArrayList<>(out.values());
  }

  // ---- background work ----

  private Runnable quietly(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (BrickException e) {
        LOG.fine("brick " + store.location() + ": " + what + " postponed: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "brick " + store.location() + ": " + what + " failed; tried again later", e);
      }
    };
  }

  private void probe() {
    if (!store.online()) {
      store.probe();
    }
  }

  private void deleteBlocksLater(String id, Set<String> blocks) {
    if (blocks.isEmpty() || maintenance == null) {
      return;
    }
    maintenance.schedule(quietly("block deletion", () -> {
      for (String b : blocks) {
        store.delete(BLOCKS + id + "/" + b);
        cache.remove(BLOCKS + id + "/" + b);
      }
    }), DELETE_DELAY_MS, TimeUnit.MILLISECONDS);
  }

  /** Deletes blocks that no manifest names and that are old enough not to belong to a write under way. */
  void collectGarbage(long graceMs) {
    long cutoff = System.currentTimeMillis() - graceMs;
    Map<String, Set<String>> named = new HashMap<>();
    int deleted = 0;
    for (S3Store.Entry e : store.list(BLOCKS)) {
      String[] parts = e.key().substring(BLOCKS.length()).split("/", 2);
      if (parts.length != 2 || e.lastModified().toEpochMilli() > cutoff) {
        continue;
      }
      Set<String> blocks = named.computeIfAbsent(parts[0], id -> {
        Inode i = inodes.get(id);
        return i == null ? Set.of() : i.blocks();
      });
      if (!blocks.contains(parts[1])) {
        store.delete(e.key());
        deleted++;
      }
    }
    if (deleted > 0) {
      LOG.info("brick " + store.location() + ": deleted " + deleted + " data blocks no file names any more");
    }
  }

  private void compactQueued() {
    for (String id : new ArrayList<>(toCompact)) {
      toCompact.remove(id);
      compact(id);
    }
  }

  /**
   * Merges runs of adjacent small blocks of a file into blocks of up to {@value #MAX_BLOCK} bytes: the same bytes,
   * fewer objects and a shorter manifest. The old blocks are deleted once the new manifest is in the bucket.
   */
  void compact(String id) {
    Inode f = inodes.get(id);
    if (f == null || f.isDirectory() || f.isSymlink()) {
      return;
    }
    change(f, cur -> {
      List<Extent> ex = cur.extents();
      List<Extent> out = new ArrayList<>();
      boolean merged = false;
      int i = 0;
      while (i < ex.size()) {
        int j = i;
        long total = 0;
        while (j < ex.size() && ex.get(j).len() < SMALL_BLOCK && total + ex.get(j).len() <= MAX_BLOCK
            && (j == i || ex.get(j).off() == ex.get(j - 1).end())) {
          total += ex.get(j).len();
          j++;
        }
        if (j - i >= 2) {
          long off = ex.get(i).off();
          byte[] data = bytes(cur.withExtents(ex.subList(i, j)), off, (int) total);
          out.add(new Extent(off, total, putBlock(cur.id(), data), 0));
          merged = true;
          i = j;
        } else {
          out.add(ex.get(i++));
        }
      }
      return merged ? cur.withExtents(out) : cur;
    });
  }

  /** For tests: the number of data extents of a file, to see compaction work. */
  int extentCount(String path) {
    return find(path).extents().size();
  }

  /** For tests: the set of block keys the bucket holds for a file. */
  Set<String> blockKeys(String path) {
    Inode f = find(path);
    Set<String> out = new HashSet<>();
    f.blocks().forEach(b -> out.add(BLOCKS + f.id() + "/" + b));
    return out;
  }
}
