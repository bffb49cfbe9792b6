package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickStorage.IndexEntry;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.FileMeta;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.logging.Logger;

/**
 * The heal index with every path hint checked against the file ID it names. A hint that went stale (a rename that
 * raced with a metadata update, a name removed while another hard link stays, an entry made on a full disk without
 * its hint) is found again by a walk of the brick, with namespace changes held off so no name changes meanwhile;
 * an entry whose file is gone from the brick is dropped.
 */
final class HintRelocator {
  private static final Logger LOG = Logger.getLogger(HintRelocator.class.getName());

  private final BrickPaths paths;
  private final ReplicaMeta meta;
  private final HealIndex index;
  private final Lock namespace;
  private final long againNanos;
  private volatile long lastRelocation;
  private volatile Set<String> unresolved = Set.of();

  /**
   * @param namespace  held during a walk: no name changes meanwhile
   * @param againNanos stale hints a walk could not settle (some file was unreadable) are walked for again only after
   *                   this long: the healers list the index on every sweep
   */
  HintRelocator(BrickPaths paths, ReplicaMeta meta, HealIndex index, Lock namespace, long againNanos) {
    this.paths = paths;
    this.meta = meta;
    this.index = index;
    this.namespace = namespace;
    this.againNanos = againNanos;
  }

  /** The index, each hint naming its file (see above). */
  List<IndexEntry> healIndex() {
    List<IndexEntry> out = new ArrayList<>();
    Set<String> stale = new HashSet<>();
    for (IndexEntry e : index.entries()) {
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
    if (unresolved.containsAll(stale) && now - lastRelocation < againNanos) {
      stale.forEach(g -> out.add(new IndexEntry(g, index.hint(g)))); // as they are, until the next walk
      return out;
    }
    lastRelocation = now;
    namespace.lock();
    try {
      out.addAll(relocate(stale));
    } finally {
      namespace.unlock();
    }
    return out;
  }

  private boolean hintHolds(IndexEntry e) {
    try {
      FileMeta m = meta.read(paths.resolve(e.path()));
      return m != null && e.gfid().equals(m.gfid());
    } catch (BrickException gone) {
      return false;
    }
  }

  /** Finds the files of stale index entries by their file IDs; rewrites the hints; drops entries of gone files. */
  private List<IndexEntry> relocate(Set<String> gfids) {
    Map<String, String> found = new HashMap<>();
    boolean[] unreadable = {false};
    Path root = paths.root();
    Path metaDir = paths.metaDir();
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
            FileMeta m = meta.read(p);
            if (m != null && gfids.contains(m.gfid())) {
              found.put(m.gfid(), paths.volumePath(p));
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
        index.rehint(gfid, path);
        out.add(new IndexEntry(gfid, path));
      } else if (unreadable[0]) { // a file that could not be read may be the one: nothing is dropped
        left.add(gfid);
        out.add(new IndexEntry(gfid, index.hint(gfid)));
      } else {
        index.remove(gfid);
      }
    }
    unresolved = left;
    LOG.info(root + ": heal index: " + out.size() + " of " + gfids.size() + " entries with a stale name found again"
        + " by their file ID" + (unreadable[0] ? "; some files could not be read, so none was dropped" : ""));
    return out;
  }
}
