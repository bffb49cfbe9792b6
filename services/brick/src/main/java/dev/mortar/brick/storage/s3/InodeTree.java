package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.config.S3Tunables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The tree of a brick: every inode in memory, loaded from the bucket at open, and the directories' entries rebuilt
 * from the inodes' names. Every change is in the bucket before it is in memory (and before it is answered); the
 * order of the PUTs keeps the bucket consistent should the brick stop between two of them.
 */
final class InodeTree {
  private static final Logger LOG = Logger.getLogger(InodeTree.class.getName());
  static final String ROOT_ID = BrickStorage.ROOT_GFID;
  static final String INODES = "i/";

  /** What the tree tells the parts that keep something per inode. */
  interface Listener {
    /** A change no longer names these blocks of the inode (all of them when the inode went). */
    void blocksDropped(String inodeId, Set<String> blocks);

    /** The inode went with its last name. */
    void removed(String inodeId);
  }

  private final S3Store store;
  private final Listener listener;
  private final Map<String, Inode> inodes = new ConcurrentHashMap<>();
  /** Directory id -> name -> inode id. */
  private final Map<String, ConcurrentSkipListMap<String, String>> children = new ConcurrentHashMap<>();
  /** Read-modify-write of one inode; taken after the namespace lock when both are needed. */
  private final ReentrantLock[] stripes = new ReentrantLock[64];

  InodeTree(S3Store store, Listener listener) {
    this.store = store;
    this.listener = listener;
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  // ---- loading ----

  /** Loads every inode; with {@code repair}, makes a missing root and settles names two inodes claim. */
  void load(boolean repair) {
    Map<String, Inode> all = fetchAll();
    if (!all.containsKey(ROOT_ID)) {
      Inode root = new Inode(ROOT_ID, List.of(), new FileMeta(BrickStorage.ROOT_GFID, 0, 0, 0, Map.of()),
          Attr.S_IFDIR | 0755, 0, 0, S3Clock.now(), S3Clock.now(), S3Clock.now(), 0, null, Map.of(), List.of(), 0);
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

  /** GETs in parallel: a brick with many files starts in seconds, not minutes. */
  private Map<String, Inode> fetchAll() {
    List<S3Store.Entry> keys = store.list(INODES);
    Map<String, Inode> all = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(S3Tunables.LOAD_THREADS.getInt());
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
    return all;
  }

  // ---- looking ----

  /** The inode of an id, or null. */
  Inode get(String id) {
    return inodes.get(id);
  }

  Collection<Inode> all() {
    return Collections.unmodifiableCollection(inodes.values());
  }

  /** The blocks the manifest of an inode names; none when there is no such inode. */
  Set<String> blocksOf(String id) {
    Inode i = inodes.get(id);
    return i == null ? Set.of() : i.blocks();
  }

  /** A directory's entries, name -> inode id, in name order. */
  NavigableMap<String, String> children(String dirId) {
    return Collections.unmodifiableNavigableMap(dir(dirId));
  }

  private ConcurrentSkipListMap<String, String> dir(String dirId) {
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
      String id = dir(cur.id()).get(part);
      if (id == null) {
        throw new BrickException(Errno.ENOENT, path + ": no such file or directory");
      }
      cur = inode(id, path);
    }
    return cur;
  }

  Inode find(String path) {
    return walk(path, BrickNames.components(path));
  }

  Inode findOrNull(String path) {
    try {
      return find(path);
    } catch (BrickException e) {
      if (e.errno() == Errno.ENOENT) {
        return null;
      }
      throw e;
    }
  }

  /** A file that can be opened for its data. */
  Inode regularFile(String path) {
    Inode i = find(path);
    BrickNames.checkOpenable(path, i.attr(1));
    return i;
  }

  /** Where {@code path} is or would be: its directory (which must exist) and its name there. */
  Inode.Name slot(String path) {
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

  /** One path of the inode (its first name), or null when it has none in the tree. */
  String pathOf(Inode i) {
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

  Attr attr(Inode i) {
    if (i.isDirectory()) {
      var c = children.get(i.id());
      long subdirs = c == null ? 0 : c.values().stream().map(inodes::get)
          .filter(x -> x != null && x.isDirectory()).count();
      return i.attr((int) (2 + subdirs));
    }
    return i.attr(i.names().size());
  }

  // ---- changes: the store first, then memory ----

  /** Runs {@code action} under the lock of one inode: its other read-modify-writes wait. */
  <T> T locked(String id, Supplier<T> action) {
    ReentrantLock l = stripes[Math.floorMod(id.hashCode(), stripes.length)];
    l.lock();
    try {
      return action.get();
    } finally {
      l.unlock();
    }
  }

  private Inode save(Inode next) {
    store.put(INODES + next.id(), next.encode());
    inodes.put(next.id(), next);
    return next;
  }

  /** Changes one inode under its lock; the blocks the change no longer names are dropped. */
  Inode change(Inode found, UnaryOperator<Inode> fn) {
    return locked(found.id(), () -> {
      Inode cur = inode(found.id(), "file " + found.id());
      Inode next = fn.apply(cur);
      if (next == cur) {
        return cur;
      }
      save(next);
      Set<String> dropped = cur.blocks();
      dropped.removeAll(next.blocks());
      listener.blocksDropped(cur.id(), dropped);
      return next;
    });
  }

  Inode change(String path, UnaryOperator<Inode> fn) {
    return change(find(path), fn);
  }

  /** A new inode at {@code slot} (which the caller found free). */
  Attr make(Inode.Name slot, Inode made) {
    save(made);
    if (made.isDirectory()) {
      children.put(made.id(), new ConcurrentSkipListMap<>());
    }
    dir(slot.parent()).put(slot.name(), made.id());
    entriesChanged(slot.parent());
    return attr(made);
  }

  /**
   * A name was made, removed or moved in directory {@code dirId}: its mtime and ctime are now, as on local disk
   * (one PUT of the directory's inode; the name's own change is in the bucket first).
   */
  private void entriesChanged(String dirId) {
    Inode dir = inodes.get(dirId);
    if (dir != null) {
      change(dir, Inode::withEntriesChanged);
    }
  }

  /** Another name for a file (a hard link) at {@code slot}, which the caller found free. */
  Inode link(Inode file, Inode.Name slot) {
    Inode next = change(file, cur -> {
      List<Inode.Name> names = new ArrayList<>(cur.names());
      names.add(slot);
      return cur.withNames(names);
    });
    dir(slot.parent()).put(slot.name(), next.id());
    entriesChanged(slot.parent());
    return next;
  }

  /** Unlink and rmdir: the name leaves its directory and the inode (which goes with its last name). */
  void unname(Inode i, Inode.Name name) {
    dropName(i, name);
    dir(name.parent()).remove(name.name());
    entriesChanged(name.parent());
  }

  /**
   * Moves {@code src} from one name to another, replacing the inode that had it. The moved inode first: should the
   * brick stop before the replaced one gives up the name, both claim it and the newer ctime (the moved one) wins at
   * the next open.
   */
  void rename(Inode src, Inode.Name from, Inode.Name to, Inode replaced) {
    change(src, cur -> cur.renamed(from, to));
    dir(from.parent()).remove(from.name());
    dir(to.parent()).put(to.name(), src.id());
    if (replaced != null) {
      dropName(replaced, to);
    }
    entriesChanged(from.parent());
    if (!to.parent().equals(from.parent())) {
      entriesChanged(to.parent());
    }
  }

  /** Takes one name from an inode; with its last name the inode and its blocks go. */
  private void dropName(Inode i, Inode.Name name) {
    locked(i.id(), () -> {
      Inode cur = inodes.get(i.id());
      if (cur == null) {
        return null;
      }
      List<Inode.Name> rest = new ArrayList<>(cur.names());
      rest.remove(name);
      if (rest.isEmpty()) {
        store.delete(INODES + cur.id());
        inodes.remove(cur.id());
        children.remove(cur.id());
        listener.removed(cur.id());
        listener.blocksDropped(cur.id(), cur.blocks());
      } else {
        save(cur.withNames(rest));
      }
      return null;
    });
  }
}
