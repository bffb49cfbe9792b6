package dev.mortar.healer;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.EveryBrickLock;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.HealTunables;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

  /** What became of one heal. */
  enum Outcome {
    HEALED, NOTHING_TO_DO, SKIPPED, SPLIT_BRAIN,
    /** A split-brain resolved (the losing versions kept as conflict copies) and healed. */
    RESOLVED,
    /** Only dirty marks, which may still be filled by whoever made them: looked at again later. */
    DEFERRED
  }

  /**
   * @param next entries that a directory's entry heal made on a sink, marked dirty: they are filled by healing
   *             them next (they may be many, so the caller heals them in parallel)
   */
  record Result(Outcome outcome, List<String> next) {
    static Result of(Outcome o) {
      return new Result(o, List.of());
    }
  }

  /** Each reachable brick's view of one path: its metadata and attributes, or absent (no such entry there). */
  record Copies(Map<Integer, FileMeta> metas, Map<Integer, Attr> attrs, Set<Integer> absent) {
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

    /** Every copy that blames another is itself blamed: no copy to heal from without a choice. */
    boolean split() {
      Map<Integer, Long> blamed = blamed();
      List<Integer> sources = sources();
      return !sources.isEmpty() && sources.stream().allMatch(blamed::containsKey);
    }

    List<Integer> sources() {
      return metas.entrySet().stream().filter(e -> e.getValue().pending().values().stream().anyMatch(n -> n > 0))
          .map(Map.Entry::getKey).sorted().toList();
    }
  }

  /** Copies a file's data from one brick to another, in windows. */
  @FunctionalInterface
  interface DataCopier {
    void copy(int from, int to, String fromPath, String toPath, long size);
  }

  private final BrickCalls bricks;
  private final String owner;
  /** Numbers every heal of this process (healers are made per request): see underLock. */
  private static final java.util.concurrent.atomic.AtomicLong TASKS = new java.util.concurrent.atomic.AtomicLong();
  private final LongConsumer bytesCopied;
  private final Optional<SplitBrainResolver.Policy> policy;
  private final SplitBrainResolver resolver;
  private final long lockLeaseMs = HealTunables.LOCK_LEASE_MS.get();
  private final long lockWaitMs = HealTunables.LOCK_WAIT_MS.get();
  private final int entriesInFlight = HealTunables.ENTRIES_IN_FLIGHT.getInt();

  /** @param policy the volume's {@code cluster.favorite-child-policy}; empty: split-brains wait for a person */
  FileHealer(BrickCalls bricks, String owner, LongConsumer bytesCopied, Optional<SplitBrainResolver.Policy> policy) {
    this.bricks = bricks;
    this.owner = owner;
    this.bytesCopied = bytesCopied;
    this.policy = policy;
    this.resolver = new SplitBrainResolver(bricks, this::copyData);
  }

  private void copyData(int from, int to, String fromPath, String toPath, long size) {
    for (long off = 0; off < size; off += WINDOW) {
      long at = off;
      Buffer data = bricks.call(from, new Requests.Read(fromPath, at, WINDOW)).data();
      bricks.call(to, new Requests.Write(toPath, at, 0, null, data));
      bytesCopied.accept(data.length());
    }
  }

  /** Why a path is healed, which decides what heal may do with it. */
  enum Why {
    /** This node's brick blames another brick for it: heal what is blamed. */
    SOURCE,
    /**
     * In this node's heal index, but this node's brick blames nobody for it: the healer of a brick that blames
     * heals it; only a file with nothing but dirty marks is this healer's business, after a while.
     */
    LISTED,
    /** Nothing but dirty marks for a while: whoever made them is gone; heal it now. */
    TORN,
    /** Made by this healer's entry heal, or a difference found by a full heal: heal it now. */
    NOW
  }

  Result heal(String path, Why why) {
    if (why == Why.SOURCE || why == Why.LISTED) { // a first look without the lock: many entries need nothing now
      Copies seen = inspect(path, null);
      if (seen.quiet()) {
        return Result.of(Outcome.NOTHING_TO_DO);
      }
      if (seen.sources().isEmpty()) {
        return Result.of(Outcome.DEFERRED); // dirty marks only: a writer or another healer may be filling them
      }
      if (why == Why.LISTED) {
        return Result.of(Outcome.SKIPPED); // a brick that blames another is healed by its own node's healer
      }
      if (seen.blamed().keySet().stream().noneMatch(seen::reachable)) {
        return Result.of(Outcome.SKIPPED); // every blamed brick is away: no lock taken, writers are not held up
      }
    }
    return underLock(path, () -> Result.of(Outcome.SKIPPED), now -> {
      if (now.quiet()) {
        return Result.of(Outcome.NOTHING_TO_DO);
      }
      List<Integer> sources = now.sources();
      return sources.isEmpty() ? healTorn(path, now) : healBlamed(path, now, sources, true);
    });
  }

  /**
   * Runs {@code work} on the file's copies as they are under its lock (no writer is busy with the file then: its
   * counters are settled); {@code noBrick} when no data brick answers.
   */
  private Result underLock(String path, java.util.function.Supplier<Result> noBrick,
                           java.util.function.Function<Copies, Result> work) {
    // An owner of its own per heal: two heals of one file on this node (a client's resolve request and a sweep)
    // must exclude each other too, and a lock held by the same owner would let the second one in.
    String taskOwner = owner + "#" + TASKS.incrementAndGet();
    List<Integer> held = lock(path, taskOwner);
    if (held.isEmpty()) {
      return noBrick.get();
    }
    try {
      return work.apply(inspect(path, Set.copyOf(held)));
    } finally {
      unlock(path, held, taskOwner);
    }
  }

  /**
   * Takes the file's lock on every data brick that answers ({@link EveryBrickLock}): on the first live one, where
   * the clients take it, so that healing and writing exclude each other, and on the others too, so that two healers
   * whose views of which bricks are live differ (a partition that is merging) still exclude each other. Returns the
   * bricks locked, none if no data brick answers.
   */
  private List<Integer> lock(String path, String owner) {
    List<Integer> data = new ArrayList<>();
    for (int i = 0; i < bricks.size(); i++) {
      if (!bricks.arbiter(i)) {
        data.add(i);
      }
    }
    return new EveryBrickLock<>(new LockCalls()).take(path, data, () -> owner).bricks();
  }

  private Requests.Lock lockRequest(String path, String owner, long waitMs) {
    return new Requests.Lock(path, owner, lockLeaseMs, waitMs);
  }

  private void unlock(String path, List<Integer> held, String owner) {
    List<Map.Entry<Integer, Future<Replies.Done>>> calls = held.stream().map(i -> Map.entry(i,
        bricks.send(i, new Requests.Unlock(path, owner)))).toList();
    try {
      bricks.awaitAll(calls);
    } catch (BrickException e) {
      LOG.fine("unlock of " + path + ": " + e.getMessage()); // a lock not given back ends with its lease
    }
  }

  /** The healer's lock requests, by brick index. {@link EveryBrickLock} looks only at whether a call succeeded. */
  private final class LockCalls implements EveryBrickLock.Bricks<Integer> {
    @Override
    public Future<Void> tryLock(Integer brick, String path, String owner) {
      return bricks.send(brick, lockRequest(path, owner, 0)).mapEmpty();
    }

    @Override
    public void await(Integer brick, Future<Void> call) {
      bricks.await(brick, call);
    }

    @Override
    public void lockWaiting(Integer brick, String path, String owner) {
      bricks.callWaiting(brick, lockRequest(path, owner, lockWaitMs), lockWaitMs);
    }

    @Override
    public void unlock(List<Integer> held, String path, String owner) {
      FileHealer.this.unlock(path, held, owner);
    }
  }

  /**
   * The copies of {@code path}. Under the lock, {@code locked} names the data bricks that granted it, and only those
   * (and the arbiters) are looked at: a data brick that did not answer the lock but answers now (a partition that
   * is merging) may have a writer or another healer busy with the file, so it is treated as away.
   */
  private Copies inspect(String path, Set<Integer> locked) {
    Map<Integer, FileMeta> metas = new HashMap<>();
    Map<Integer, Attr> attrs = new HashMap<>();
    Set<Integer> absent = new TreeSet<>();
    List<Future<Replies.MetaReply>> asked = new ArrayList<>();
    for (int i = 0; i < bricks.size(); i++) {
      boolean look = locked == null || locked.contains(i) || bricks.arbiter(i);
      asked.add(look ? bricks.send(i, new Requests.MetaGet(path)) : null);
    }
    for (int i = 0; i < bricks.size(); i++) {
      if (asked.get(i) == null) {
        continue;
      }
      try {
        Replies.MetaReply copy = bricks.await(i, asked.get(i));
        metas.put(i, copy.meta());
        attrs.put(i, copy.attr());
      } catch (BrickException e) {
        if (e.errno() == Errno.ENOENT) {
          absent.add(i);
        } else if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
      }
    }
    return new Copies(metas, attrs, absent);
  }

  private Result healBlamed(String path, Copies c, List<Integer> sources, boolean mayResolve) {
    Map<Integer, Long> blamed = c.blamed();
    if (c.split()) {
      if (policy.isEmpty() || !mayResolve) {
        LOG.warning(bricks.volume.name() + ":" + path + " is in split-brain: its copies on "
            + sources.stream().map(bricks::name).toList() + " blame each other; resolve it with 'volume heal "
            + bricks.volume.name() + " split-brain ...' or set cluster.favorite-child-policy");
        return Result.of(Outcome.SPLIT_BRAIN);
      }
      return afterResolving(path, c, resolver.resolve(path, c, policy.get(), false, null));
    }
    List<Integer> sinks = blamed.keySet().stream().filter(c::reachable).sorted().toList();
    if (sinks.isEmpty()) {
      return Result.of(Outcome.SKIPPED); // every blamed brick is away: it is healed when it is back
    }
    // A source that nobody blames: with several blame chains (replica 3), the start of the chain.
    int source = sources.stream().filter(i -> !blamed.containsKey(i)).min(Comparator.comparing(bricks::arbiter))
        .orElseThrow();
    Attr attr = c.attrs().get(source);
    if (bricks.arbiter(source) && attr.isRegularFile()) {
      LOG.warning(bricks.volume.name() + ":" + path + ": only the arbiter has the latest version, and it holds no"
          + " data; waiting for a data brick that has it");
      return Result.of(Outcome.SKIPPED);
    }
    List<String> next = new ArrayList<>();
    for (int sink : sinks) {
      next.addAll(healSink(source, sink, path, attr, c.attrs().get(sink)));
    }
    // The sinks are whole: every source's blame and every dirty mark goes, on all bricks at once (in either order
    // a crash between them only means one more look by heal).
    List<Map.Entry<Integer, Future<Replies.MetaReply>>> settled = new ArrayList<>();
    for (int src : sources) {
      Map<Integer, Long> clear = new HashMap<>();
      sinks.forEach(s -> clear.put(s, -c.metas().get(src).pending().getOrDefault(s, 0L)));
      settled.add(Map.entry(src, bricks.sendBlame(src, path, clear)));
    }
    clearDirty(path, c, settled);
    return new Result(Outcome.HEALED, next);
  }

  /** After a resolution rewrote the blames: heal from the winner, then fill what a directory merge made. */
  private Result afterResolving(String path, Copies before, SplitBrainResolver.Resolved r) {
    Set<Integer> locked = new HashSet<>();
    for (int i = 0; i < bricks.size(); i++) {
      if (!bricks.arbiter(i) && before.reachable(i)) {
        locked.add(i);
      }
    }
    Copies now = inspect(path, locked);
    Result healed = healBlamed(path, now, now.sources(), false);
    List<String> next = new ArrayList<>(r.next());
    next.addAll(healed.next());
    return new Result(healed.outcome() == Outcome.HEALED ? Outcome.RESOLVED : healed.outcome(), next);
  }

  /**
   * Resolves a split-brain under the file's lock: a person's choice ({@code volume heal VOL split-brain ...},
   * strict), or the volume's policy when a client opens the file (not strict: already resolved is fine).
   *
   * @return what became of it; {@link SplitBrainResolver.Undecided} with GlusterFS's words if it cannot be done
   */
  Result resolve(String path, SplitBrainResolver.Policy chosen, Integer sourceBrick, boolean strict) {
    return underLock(path, () -> {
      throw new SplitBrainResolver.Undecided("No brick of the file is online.");
    }, c -> {
      if (c.metas().isEmpty()) {
        throw new SplitBrainResolver.Undecided("No such file.");
      }
      if (!c.split()) {
        if (strict) {
          throw new SplitBrainResolver.Undecided("File not in split-brain.");
        }
        return Result.of(Outcome.NOTHING_TO_DO); // resolved meanwhile (by the background heal)
      }
      return afterResolving(path, c, resolver.resolve(path, c, chosen, strict, sourceBrick));
    });
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
    Map<Integer, Attr> attrs = c.attrs();
    int source = present.stream().max(Comparator.comparing((Integer i) -> c.metas().get(i).dirty() == 0)
        .thenComparingLong(i -> c.metas().get(i).dataVersion()).thenComparingLong(i -> attrs.get(i).size())
        .thenComparing(Comparator.reverseOrder())).orElseThrow();
    Attr attr = attrs.get(source);
    List<String> next = new ArrayList<>();
    for (int sink : present) {
      if (sink != source) {
        next.addAll(healSink(source, sink, path, attr, attrs.get(sink)));
      }
    }
    clearDirty(path, c, new ArrayList<>());
    return new Result(Outcome.HEALED, next);
  }

  /**
   * The copies are whole now: no dirty mark stays. Sent to all bricks at once, and waited for together with
   * {@code sent}, the other updates of this moment (counter deltas: a brick that gets two applies both, in any order).
   */
  private void clearDirty(String path, Copies c, List<Map.Entry<Integer, Future<Replies.MetaReply>>> sent) {
    c.metas().forEach((i, m) -> {
      if (m.dirty() > 0) {
        sent.add(Map.entry(i, bricks.send(i, new Requests.MetaUpdate(path, -m.dirty(), 0, 0, Map.of()))));
      }
    });
    bricks.awaitAll(sent);
  }

  /**
   * Makes {@code sink}'s copy of {@code path} like the source's ({@code attr}); {@code had} is the sink's copy, null
   * if it has none. Returns the entries it made to be filled next.
   */
  private List<String> healSink(int source, int sink, String path, Attr attr, Attr had) {
    if (attr.isSymlink()) {
      if (had == null) {
        makeSymlink(source, sink, path, attr);
      } else if (had.uid() != attr.uid() || had.gid() != attr.gid()) {
        bricks.call(sink, new Requests.Chown(path, attr.uid(), attr.gid()));
      }
      copyXattrs(source, sink, path);
      setTimes(sink, path, attr); // the link's own (a symlink has no mode of its own)
      return List.of();
    }
    Attr now = had != null ? had : bricks.await(sink, bricks.sendMake(sink, path, attr, 0));
    List<String> next = List.of();
    if (attr.isDirectory()) {
      next = healEntries(source, sink, path);
    } else if (!attr.isSpecial() && !bricks.arbiter(sink)) { // a FIFO, socket or device node has no data
      now = healData(source, sink, path, attr.size(), now);
    }
    if ((now.mode() & 07777) != (attr.mode() & 07777)) {
      bricks.call(sink, new Requests.Chmod(path, attr.mode() & 07777));
    }
    if (now.uid() != attr.uid() || now.gid() != attr.gid()) {
      bricks.call(sink, new Requests.Chown(path, attr.uid(), attr.gid()));
    }
    copyXattrs(source, sink, path);
    setTimes(sink, path, attr);
    return next;
  }

  /**
   * Makes the sink's extended attributes (user, trusted, security, ACLs) the source's: after the mode, since an
   * access ACL and the mode's group bits follow each other.
   */
  private void copyXattrs(int source, int sink, String path) {
    List<String> want = bricks.call(source, new Requests.ListXattr(path)).names();
    List<String> have = bricks.call(sink, new Requests.ListXattr(path)).names();
    for (String name : have) {
      if (!want.contains(name)) {
        bricks.call(sink, new Requests.RemoveXattr(path, name));
      }
    }
    for (String name : want) {
      Buffer value = bricks.call(source, new Requests.GetXattr(path, name)).data();
      if (!have.contains(name) || !value.equals(bricks.call(sink, new Requests.GetXattr(path, name)).data())) {
        bricks.call(sink, new Requests.SetXattr(path, name, 0, value));
      }
    }
  }

  private void setTimes(int sink, String path, Attr attr) {
    bricks.call(sink, new Requests.Utimens(path, attr.atime(), attr.mtime()));
  }

  /**
   * Copies the windows of the source's data that differ on the sink: past the end of the sink's copy without
   * comparing. Returns the sink's attributes after the last change ({@code had} if none).
   */
  private Attr healData(int source, int sink, String path, long size, Attr had) {
    Attr after = had;
    for (long off = 0; off < size; off += WINDOW) {
      long at = off;
      if (at < had.size() && Objects.equals(bricks.checksum(sink, path, at, WINDOW),
          bricks.checksum(source, path, at, WINDOW))) {
        continue;
      }
      Buffer data = bricks.call(source, new Requests.Read(path, at, WINDOW)).data();
      after = bricks.call(sink, new Requests.Write(path, at, 0, null, data)).attr();
      bytesCopied.accept(data.length());
    }
    if (after.size() != size) {
      after = bricks.call(sink, new Requests.Truncate(path, size)).attr();
    }
    return after;
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
        removeTree(sink, VolumePaths.child(dir, e.getKey()), e.getValue());
      }
    }
    List<String> next = new ArrayList<>();
    List<Future<Attr>> inFlight = new ArrayList<>();
    for (Map.Entry<String, Attr> e : want.entrySet()) {
      Attr had = have.get(e.getKey());
      if (had == null || !Objects.equals(had.gfid(), e.getValue().gfid())) {
        String child = VolumePaths.child(dir, e.getKey());
        Attr attr = e.getValue();
        if (attr.isSymlink()) {
          makeSymlink(source, sink, child, attr);
          continue;
        }
        // Many new entries in one directory are the usual case after an outage: several requests at once.
        inFlight.add(bricks.sendMake(sink, child, attr, 1));
        next.add(child);
        if (inFlight.size() >= entriesInFlight) {
          inFlight.forEach(f -> bricks.await(sink, f));
          inFlight.clear();
        }
      }
    }
    inFlight.forEach(f -> bricks.await(sink, f));
    return next;
  }

  /** Makes a symlink on the sink like the source's, with its file ID. */
  private void makeSymlink(int source, int sink, String path, Attr attr) {
    String target = bricks.call(source, new Requests.Readlink(path)).target();
    bricks.call(sink, new Requests.Symlink(path, target, attr.uid(), attr.gid(), attr.gfid()));
  }

  private void removeTree(int brick, String path, Attr attr) {
    if (attr.isDirectory()) {
      bricks.listing(brick, path).forEach((name, a) -> removeTree(brick, VolumePaths.child(path, name), a));
      bricks.call(brick, new Requests.Rmdir(path));
    } else {
      bricks.call(brick, new Requests.Unlink(path));
    }
  }
}
