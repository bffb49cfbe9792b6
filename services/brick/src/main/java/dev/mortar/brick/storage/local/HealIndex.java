package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.brick.storage.BrickStorage.IndexEntry;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import jnr.posix.POSIX;

/**
 * The heal index of a brick on local disk: one file per file whose replication counters are not all zero, named by
 * its file ID ({@code .mortar/index/<gfid>}) and holding its volume path, a hint (names change; the ID does not).
 * Entry files are reused ({@link SpareFiles}) rather than created and deleted.
 */
final class HealIndex {
  private static final Logger LOG = Logger.getLogger(HealIndex.class.getName());

  private final Path dir;
  private final SpareFiles spares;
  private final POSIX posix;
  /** An entry's hint is rewritten only while the entry is there: no rewrite brings back a removed entry. */
  private final ReentrantLock lock = new ReentrantLock();

  /** The index in {@code dir}, with its spare entry files in {@code spareDir} (both made if missing). */
  HealIndex(Path dir, Path spareDir, POSIX posix) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.spares = new SpareFiles(spareDir);
    this.posix = posix;
  }

  /**
   * Adds the entry of {@code gfid} with {@code path} as its hint, unless it is there. Its name must survive a crash
   * when {@code durable} (it records a blame). On a disk with no block left for the hint, the entry is made empty
   * (an inode only): the mark that another brick missed a change is what must not be lost, and a stale hint's file
   * is found again by its ID ({@link HintRelocator}).
   */
  void add(String gfid, String path, boolean durable) {
    Path entry = dir.resolve(gfid);
    lock.lock();
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
        LOG.warning(dir + ": disk full: the heal index entry of " + path + " was made without its path (found again"
            + " by its file ID); make room on this disk");
      }
      if (durable) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
          d.force(true);
        }
      }
    } catch (IOException e) {
      throw IoErrors.map(e, path + " (heal index)");
    } finally {
      lock.unlock();
    }
  }

  /** Removes the entry of {@code gfid} (its file is clean again, or gone). */
  void remove(String gfid) {
    lock.lock();
    try {
      spares.retire(dir.resolve(gfid));
    } finally {
      lock.unlock();
    }
  }

  /** {@link #remove}, after one lstat: most files have no entry, and this is called as every file goes. */
  void removeIfPresent(String gfid) {
    if (exists(dir.resolve(gfid))) {
      remove(gfid);
    }
  }

  /** Every entry as it is on disk, hints unchecked. */
  List<IndexEntry> entries() {
    List<IndexEntry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
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

  /** The hint of an entry; "/" where it cannot be read. */
  String hint(String gfid) {
    try {
      return Files.readString(dir.resolve(gfid));
    } catch (IOException e) {
      return "/";
    }
  }

  /**
   * Rewrites an entry's hint, unless the entry went meanwhile (its file healed: the entry must not return). Never
   * fails the change that moved the file (a full disk): a stale hint is found again by its file ID.
   */
  void rehint(String gfid, String path) {
    Path entry = dir.resolve(gfid);
    lock.lock();
    try {
      if (exists(entry)) {
        Files.writeString(entry, path, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      LOG.warning(dir + ": the heal index entry of " + path + " still names its old path (" + e + ")");
    } finally {
      lock.unlock();
    }
  }

  /**
   * A renamed entry's hints follow it: its own ({@code movedGfid}, if it has one) and, for a directory, those of
   * everything under it. Otherwise the healer of this brick would look for a file it blames under a name that is
   * gone. Call it with namespace changes held off.
   */
  void followRename(String from, String to, String movedGfid, boolean directory) {
    if (movedGfid != null) {
      rehint(movedGfid, to);
    }
    if (!directory) {
      return;
    }
    List<String> src = BrickNames.components(from);
    for (IndexEntry e : entries()) {
      List<String> hint = hintComponents(e.path());
      if (hint != null && hint.size() > src.size() && hint.subList(0, src.size()).equals(src)) {
        rehint(e.gfid(), volumePath(BrickNames.components(to), hint.subList(src.size(), hint.size())));
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

  private boolean exists(Path p) {
    return posix.lstat(p.toString(), posix.allocateStat()) == 0;
  }
}
