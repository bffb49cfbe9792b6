package dev.mortar.healer;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Heals one file (or directory) of a replica set. The bricks that blame others (their pending counters) are the
 * sources, the blamed bricks the sinks. Under the file's write lock (taken where writers take it, so healing and
 * writing exclude each other) the sinks are made like the source: entries of a directory, data in bounded windows
 * of which only those that differ are copied, attributes; then the blame is cleared. A copy marked dirty with no
 * blame anywhere was left by a writer that died mid-write (live writers clear their mark before they let the lock
 * go): the most complete copy wins. Blocking: runs on a worker thread.
 */
final class FileHealer {
  private static final Logger LOG = Logger.getLogger(FileHealer.class.getName());
  /** A large file is compared and copied in windows of this size, never held in memory. */
  static final int WINDOW = 1 << 20;
  private static final long LOCK_LEASE_MS = 30_000;
  private static final long LOCK_WAIT_MS = 5_000;

  /** What became of one heal. */
  enum Outcome { HEALED, NOTHING_TO_DO, SKIPPED, SPLIT_BRAIN }

  /**
   * @param next entries that a directory's entry heal made on a sink, marked dirty: they are filled by healing
   *             them next (they may be many, so the caller heals them in parallel)
   */
  record Result(Outcome outcome, List<String> next) {
    static Result of(Outcome o) {
      return new Result(o, List.of());
    }
  }

  /** Each reachable brick's view of one path: its metadata, or absent (no such entry there). */
  private record Copies(Map<Integer, FileMeta> metas, Set<Integer> absent) {
    boolean reachable(int brick) {
      return metas.containsKey(brick) || absent.contains(brick);
    }

    boolean quiet() {
      return metas.values().stream().allMatch(FileMeta::clean);
    }

    /** Blamed brick to the largest blame any source holds against it. */
    Map<Integer, Long> blamed() {
      Map<Integer, Long> out = new HashMap<>();
      metas.values().forEach(m -> m.pending().forEach((j, n) -> {
        if (n > 0) {
          out.merge(j, n, Math::max);
        }
      }));
      return out;
    }

    List<Integer> sources() {
      return metas.entrySet().stream().filter(e -> e.getValue().pending().values().stream().anyMatch(n -> n > 0))
          .map(Map.Entry::getKey).sorted().toList();
    }
  }

  private final BrickCalls bricks;
  private final String owner;
  private final LongConsumer bytesCopied;

  FileHealer(BrickCalls bricks, String owner, LongConsumer bytesCopied) {
    this.bricks = bricks;
    this.owner = owner;
    this.bytesCopied = bytesCopied;
  }

  Result heal(String path) {
    Copies seen = inspect(path);
    if (seen.quiet()) {
      return Result.of(Outcome.NOTHING_TO_DO);
    }
    // The lock brick by the clients' rule (the first live data brick), so that healing and writing exclude each other.
    int lockBrick = java.util.stream.IntStream.range(0, bricks.size())
        .filter(i -> seen.reachable(i) && !bricks.arbiter(i)).min().orElse(-1);
    if (lockBrick < 0) {
      return Result.of(Outcome.SKIPPED);
    }
    bricks.call(lockBrick, BrickOp.LOCK, path, h -> h.put(BrickFields.OWNER, owner).put(BrickFields.LEASE,
        LOCK_LEASE_MS).put(BrickFields.WAIT, LOCK_WAIT_MS));
    try {
      Copies now = inspect(path); // under the lock no writer is busy with the file: its counters are settled
      if (now.quiet()) {
        return Result.of(Outcome.NOTHING_TO_DO);
      }
      List<Integer> sources = now.sources();
      return sources.isEmpty() ? healTorn(path, now) : healBlamed(path, now, sources);
    } finally {
      bricks.call(lockBrick, BrickOp.UNLOCK, path, h -> h.put(BrickFields.OWNER, owner));
    }
  }

  private Copies inspect(String path) {
    Map<Integer, FileMeta> metas = new HashMap<>();
    Set<Integer> absent = new TreeSet<>();
    for (int i = 0; i < bricks.size(); i++) {
      try {
        metas.put(i, bricks.meta(i, path));
      } catch (BrickException e) {
        if (e.errno() == Errno.ENOENT) {
          absent.add(i);
        } else if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
      }
    }
    return new Copies(metas, absent);
  }

  private Result healBlamed(String path, Copies c, List<Integer> sources) {
    Map<Integer, Long> blamed = c.blamed();
    if (sources.stream().anyMatch(blamed::containsKey)) {
      LOG.warning(bricks.volume.name() + ":" + path + " is in split-brain: its copies on "
          + sources.stream().map(bricks::name).toList() + " blame each other; see 'volume heal "
          + bricks.volume.name() + " info split-brain'");
      return Result.of(Outcome.SPLIT_BRAIN);
    }
    List<Integer> sinks = blamed.keySet().stream().filter(c::reachable).sorted().toList();
    if (sinks.isEmpty()) {
      return Result.of(Outcome.SKIPPED); // every blamed brick is away: it is healed when it is back
    }
    int source = sources.stream().filter(i -> !bricks.arbiter(i)).findFirst().orElse(sources.get(0));
    Attr attr = bricks.lookup(source, path);
    if (bricks.arbiter(source) && attr.isRegularFile()) {
      LOG.warning(bricks.volume.name() + ":" + path + ": only the arbiter has the latest version, and it holds no"
          + " data; waiting for a data brick that has it");
      return Result.of(Outcome.SKIPPED);
    }
    List<String> next = new ArrayList<>();
    for (int sink : sinks) {
      next.addAll(healSink(source, sink, path, attr, c.absent().contains(sink)));
    }
    for (int src : sources) {
      Map<Integer, Long> clear = new HashMap<>();
      sinks.forEach(s -> clear.put(s, -c.metas().get(src).pending().getOrDefault(s, 0L)));
      bricks.blame(src, path, clear);
    }
    clearDirty(path, c);
    return new Result(Outcome.HEALED, next);
  }

  /**
   * Dirty copies and no blame: a writer died before it could clear its mark, or heal made the entry and has not
   * filled it yet. The most complete data copy (a clean one, else the one with most write sessions, then the
   * longest) becomes every copy.
   */
  private Result healTorn(String path, Copies c) {
    List<Integer> present = c.metas().keySet().stream().filter(i -> !bricks.arbiter(i)).sorted().toList();
    if (present.size() < 2) {
      return Result.of(Outcome.SKIPPED); // nothing to compare with (yet): the mark stays until there is
    }
    Map<Integer, Attr> attrs = new HashMap<>();
    present.forEach(i -> attrs.put(i, bricks.lookup(i, path)));
    int source = present.stream().max(Comparator.comparing((Integer i) -> c.metas().get(i).dirty() == 0)
        .thenComparingLong(i -> c.metas().get(i).dataVersion()).thenComparingLong(i -> attrs.get(i).size())
        .thenComparing(Comparator.reverseOrder())).orElseThrow();
    Attr attr = attrs.get(source);
    List<String> next = new ArrayList<>();
    for (int sink : present) {
      if (sink != source) {
        next.addAll(healSink(source, sink, path, attr, false));
      }
    }
    clearDirty(path, c);
    return new Result(Outcome.HEALED, next);
  }

  /** The copies are whole now: no dirty mark stays. */
  private void clearDirty(String path, Copies c) {
    c.metas().forEach((i, m) -> {
      if (m.dirty() > 0) {
        bricks.call(i, BrickOp.META_UPDATE, path, h -> h.put(BrickFields.DIRTY, -m.dirty()));
      }
    });
  }

  /** Makes {@code sink}'s copy of {@code path} like the source's; returns the entries it made to be filled next. */
  private List<String> healSink(int source, int sink, String path, Attr attr, boolean absent) {
    List<String> next = List.of();
    if (attr.isDirectory()) {
      if (absent) {
        bricks.call(sink, BrickOp.MKDIR, path, owned(attr));
      }
      next = healEntries(source, sink, path);
    } else if (attr.isSymlink()) {
      if (absent) {
        makeEntry(source, sink, path, attr, false);
      }
      return next; // a symlink's own attributes are not changed through it
    } else {
      if (absent) {
        bricks.call(sink, BrickOp.CREATE, path, owned(attr));
      }
      if (!bricks.arbiter(sink)) {
        healData(source, sink, path, attr.size(), absent);
      }
    }
    if (!absent) {
      bricks.call(sink, BrickOp.CHMOD, path, h -> h.put(BrickFields.MODE, attr.mode() & 07777));
      bricks.call(sink, BrickOp.CHOWN, path, h -> h.put(BrickFields.UID, attr.uid()).put(BrickFields.GID, attr.gid()));
    }
    bricks.call(sink, BrickOp.UTIMENS, path, h -> h.put(BrickFields.ATIME, attr.atime())
        .put(BrickFields.MTIME, attr.mtime()));
    return next;
  }

  /** Copies the windows of the source's data that differ on the sink (all of them for a new copy). */
  private void healData(int source, int sink, String path, long size, boolean fresh) {
    for (long off = 0; off < size; off += WINDOW) {
      long at = off;
      if (!fresh && Objects.equals(bricks.checksum(source, path, at, WINDOW), bricks.checksum(sink, path, at, WINDOW))) {
        continue;
      }
      Buffer data = bricks.call(source, BrickOp.READ, path, h -> h.put(BrickFields.OFFSET, at)
          .put(BrickFields.SIZE, WINDOW), Buffer.buffer()).data();
      bricks.call(sink, BrickOp.WRITE, path, h -> h.put(BrickFields.OFFSET, at), data);
      bytesCopied.accept(data.length());
    }
    if (!fresh || size == 0) {
      bricks.call(sink, BrickOp.TRUNCATE, path, h -> h.put(BrickFields.SIZE, size));
    }
  }

  private static Consumer<JsonObject> owned(Attr attr) {
    return h -> h.put(BrickFields.MODE, attr.mode() & 07777).put(BrickFields.UID, attr.uid())
        .put(BrickFields.GID, attr.gid()).put(BrickFields.GFID, attr.gfid());
  }

  /**
   * Entry heal of a directory: what the sink has and the source does not was deleted (or replaced) while the sink
   * was away, and goes there too, so a deleted file never comes back; what the source has and the sink lacks is
   * made there, marked dirty, and returned to be filled (a directory full of new files is filled in parallel).
   */
  private List<String> healEntries(int source, int sink, String dir) {
    Map<String, Attr> want = bricks.listing(source, dir);
    Map<String, Attr> have = bricks.listing(sink, dir);
    for (Map.Entry<String, Attr> e : have.entrySet()) {
      Attr wanted = want.get(e.getKey());
      if (wanted == null || !Objects.equals(wanted.gfid(), e.getValue().gfid())) {
        removeTree(sink, BrickCalls.child(dir, e.getKey()), e.getValue());
      }
    }
    List<String> next = new ArrayList<>();
    for (Map.Entry<String, Attr> e : want.entrySet()) {
      Attr had = have.get(e.getKey());
      if (had == null || !Objects.equals(had.gfid(), e.getValue().gfid())) {
        String child = BrickCalls.child(dir, e.getKey());
        if (makeEntry(source, sink, child, e.getValue(), true)) {
          next.add(child);
        }
      }
    }
    return next;
  }

  /** Makes one entry on the sink with the source's file ID; true if it still needs filling. */
  private boolean makeEntry(int source, int sink, String path, Attr attr, boolean markDirty) {
    if (attr.isSymlink()) {
      String target = bricks.call(source, BrickOp.READLINK, path).header().getString(BrickFields.TARGET);
      bricks.call(sink, BrickOp.SYMLINK, path, owned(attr).andThen(h -> h.put(BrickFields.TARGET, target)));
      return false;
    }
    bricks.call(sink, attr.isDirectory() ? BrickOp.MKDIR : BrickOp.CREATE, path, owned(attr)
        .andThen(h -> h.put(BrickFields.DIRTY, markDirty ? 1 : 0)));
    return markDirty;
  }

  private void removeTree(int brick, String path, Attr attr) {
    if (attr.isDirectory()) {
      bricks.listing(brick, path).forEach((name, a) -> removeTree(brick, BrickCalls.child(path, name), a));
      bricks.call(brick, BrickOp.RMDIR, path);
    } else {
      bricks.call(brick, BrickOp.UNLINK, path);
    }
  }
}
