package dev.mortar.client.replication;

import dev.mortar.client.local.LocalBrickFiles;
import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealerOp;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.SplitBrains;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Replication in the client, after GlusterFS's AFR: changes go to every live brick of the replica set in parallel;
 * a brick that misses a change is blamed, durably, on the bricks that have it before the change is acknowledged;
 * reads come from one good copy, the local brick first. Methods block: they are called on FUSE threads.
 */
public final class ReplicaSet {
  private static final Logger LOG = Logger.getLogger(ReplicaSet.class.getName());

  private final List<BrickClient> bricks;
  private final long waitMs;
  private static final long RESOLVE_TIMEOUT_MS = 30_000;
  private static final long PROBE_AGAIN_MS = 100;
  /** Room under which writes are not deferred: more than a second of write-behind windows could hold. */
  static final long SHORT_OF_ROOM_BYTES = ClientTunables.SHORT_OF_ROOM_BYTES.get();
  private final Vertx vertx;
  private volatile Quorum quorum;
  private volatile Volume volume;
  private volatile ClientSettings settings;
  /** Write sessions' ends, batched (see {@link SessionEnds}). */
  private final SessionEnds sessionEnds;
  /**
   * The brick whose copy this client writes itself ({@link BrickClient#writeHere}): the first that is a directory on
   * this host. One only: where several bricks of the set are on one host (a test pool), the others are written as
   * remote ones are, so that a test or a benchmark measures what a pool of one brick per server does.
   */
  private final BrickClient writesHere;

  /** @param waitMs a ping timeout plus margin: how long a read waits for some brick to answer a probe again */
  public ReplicaSet(Vertx vertx, List<BrickClient> bricks, long waitMs, Volume volume) {
    this.bricks = List.copyOf(bricks);
    this.waitMs = waitMs;
    this.vertx = vertx;
    this.sessionEnds = new SessionEnds(vertx);
    this.writesHere = bricks.stream().filter(b -> b.localFiles() != null).findFirst().orElse(null);
    follow(volume);
  }

  /** Write sessions' ends, batched. */
  public SessionEnds sessionEnds() {
    return sessionEnds;
  }

  public String volumeName() {
    return volume.name();
  }

  /** Follows the volume's options when they are changed: quorum, the split-brain policy, the mount's settings. */
  public void follow(Volume v) {
    quorum(Quorum.of(v));
    settings = ClientSettings.of(v);
    volume = v;
  }

  public ClientSettings settings() {
    return settings;
  }

  /**
   * Is a live data brick short of room ({@link #SHORT_OF_ROOM_BYTES} free or less at its last status)? Then the
   * mount writes through: each write(2) learns of ENOSPC as on a local disk, instead of a later close(2) that a
   * shell's {@code echo > file} never checks.
   */
  public boolean shortOfRoom() {
    return bricks.stream().anyMatch(b -> !b.brick().arbiter() && b.isUp() && b.availBytes() >= 0
        && b.availBytes() <= SHORT_OF_ROOM_BYTES);
  }

  void quorum(Quorum q) {
    quorum = q;
  }

  /**
   * Is {@code path} in split-brain among the live bricks (copies that blame each other)? Only asked of the bricks
   * while one of them blames another for something; otherwise no copy can be.
   */
  public boolean inSplitBrain(String path) {
    return bricks.stream().anyMatch(this::blamed) && SplitBrains.isSplit(metasOfLiveBricks(path));
  }

  /**
   * Of the bricks a writer holds the lock on, the one whose size an append goes by: one that no other blames for
   * this file. A copy that missed writes (of another client, during a cut) is shorter, and appending at its end
   * on every brick would overwrite what the others have there. Asked under the lock, so the blames are settled.
   */
  public BrickClient appendSource(String path, List<BrickClient> locked) {
    if (locked.size() < 2) {
      return locked.get(0);
    }
    Set<Integer> blamedHere = SplitBrains.blamed(metasOfLiveBricks(path).values());
    return locked.stream().filter(b -> !blamedHere.contains(b.index())).findFirst().orElse(locked.get(0));
  }

  /** Each live brick's replication metadata of {@code path}, asked of all at once (a brick without it: absent). */
  private Map<Integer, FileMeta> metasOfLiveBricks(String path) {
    Map<Integer, Future<Replies.MetaReply>> asked = new HashMap<>();
    bricks.stream().filter(BrickClient::isUp).forEach(b -> asked.put(b.index(), b.call(new Requests.MetaGet(path))));
    try {
      await(Future.join(List.copyOf(asked.values())));
    } catch (BrickException ignored) {
      // a brick without the file has no say
    }
    Map<Integer, FileMeta> metas = new HashMap<>();
    asked.forEach((i, f) -> {
      if (f.succeeded()) {
        metas.put(i, f.result().meta());
      }
    });
    return metas;
  }

  /**
   * A file in split-brain is opened: with a {@code cluster.favorite-child-policy}, a healer resolves it now (the
   * losing versions kept as conflict copies) and the open goes on; with none, EIO, as GlusterFS answers.
   */
  public void resolveSplitBrain(String path) {
    Volume v = volume;
    String policy = VolumeOptions.effective(v, VolumeOptions.FAVORITE_CHILD_POLICY);
    if (policy.equals("none")) {
      throw new BrickException(Errno.EIO, path + " is in split-brain and cluster.favorite-child-policy is none:"
          + " resolve it with 'mortar volume heal " + v.name() + " split-brain ...'");
    }
    BrickClient near = bricks.stream().filter(BrickClient::isUp).findFirst()
        .orElseThrow(() -> new BrickException(Errno.ENOTCONN, "no brick of the volume is reachable"));
    Exception failed = null;
    for (int attempt = 0; attempt < 2; attempt++) { // once more: another healer may have been busy with it
      try {
        vertx.eventBus().<JsonObject>request(Addresses.healer(near.brick().nodeUuid()), new JsonObject()
                .put("op", HealerOp.RESOLVE.name()).put("volumeId", v.id()).put("path", path).put("policy", policy),
                new DeliveryOptions().setSendTimeout(RESOLVE_TIMEOUT_MS))
            .toCompletionStage().toCompletableFuture().get(RESOLVE_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        LOG.info(path + " was in split-brain; resolved by its " + policy + " policy on access");
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed = e;
        break;
      } catch (Exception e) {
        failed = e;
      }
    }
    throw new BrickException(Errno.EIO, path + " is in split-brain and could not be resolved now: " + failed);
  }

  /**
   * Bricks to read from, best first: up, not possibly stale (blamed by a live brick for some file, or missed a
   * write of this client), local, then in volume order.
   */
  private List<BrickClient> readOrder() {
    List<BrickClient> order = new ArrayList<>(bricks);
    order.removeIf(b -> b.brick().arbiter());
    order.sort(Comparator.comparing((BrickClient b) -> !b.isUp()).thenComparing(this::mayBeStale)
        .thenComparing(b -> !b.isLocal()).thenComparingInt(b -> b.index()));
    return order;
  }

  private boolean mayBeStale(BrickClient b) {
    return b.missedWrites() || blamed(b);
  }

  private boolean blamed(BrickClient b) {
    return bricks.stream().anyMatch(o -> o.isUp() && o.blames().contains(b.index()));
  }

  /** After a round of status probes: a brick that no live brick blames any more has been healed. */
  public void forgetHealed() {
    bricks.stream().filter(b -> b.isUp() && b.missedWrites() && !blamed(b)).forEach(BrickClient::healed);
  }

  /**
   * Every live data brick may be stale for some file (each is blamed for something): ask them all about this file
   * and its directory, and put the copies blamed for either last.
   */
  private List<BrickClient> verifiedOrder(String path, List<BrickClient> order) {
    Set<Integer> blamedHere = new HashSet<>(SplitBrains.blamed(metasOfLiveBricks(path).values()));
    if (!path.equals("/")) {
      blamedHere.addAll(SplitBrains.blamed(metasOfLiveBricks(path.substring(0, Math.max(1, path.lastIndexOf('/'))))
          .values()));
    }
    List<BrickClient> out = new ArrayList<>(order);
    out.sort(Comparator.comparing((BrickClient b) -> blamedHere.contains(b.index()))); // stable: keeps the rest
    return out;
  }

  /**
   * When no brick is up, asks them all again and waits up to the ping timeout for one to answer: a moment with
   * none (this client's cluster membership merging after a healed partition) is a stall, not yet an error.
   * Blocking: FUSE threads only.
   */
  public void awaitAnyLive() {
    if (bricks.stream().noneMatch(BrickClient::isUp)) {
      anyAnswersProbe(bricks); // if none does, the caller fails with ENOTCONN
    }
  }

  /** Probes {@code some} at once and waits for the first answer: true, or false if none answered. */
  private boolean anyAnswersProbe(List<BrickClient> some) {
    try {
      await(Future.any(some.stream().map(BrickClient::probe).toList()));
      return true;
    } catch (BrickException none) {
      return false;
    }
  }

  /**
   * A read-only request to one good copy of {@code path} (the file the request is about); another copy if that
   * brick does not answer.
   */
  public <R> R read(BrickRequest<R> request, String path) {
    return read(request, path, goodOrder(path));
  }

  /**
   * File data from one good copy: read on this host directly where that copy is a local brick directory
   * ({@link LocalBrickFiles}), else asked of it.
   */
  public Buffer readData(String path, long offset, int size) {
    List<BrickClient> order = goodOrder(path);
    BrickClient near = localFirst(order);
    if (near != null) {
      Buffer local = near.readLocally(path, offset, size);
      if (local != null) {
        return local;
      }
    }
    return read(new Requests.Read(path, offset, size), path, order).data();
  }

  /**
   * The copy to read from where it is a brick directory on this host and no live brick blames it, or null. Asks no
   * brick (it is called for every read): a copy that may be stale is left to {@link #readData}, which asks the bricks
   * which copies are good.
   */
  public BrickClient localCleanCopy() {
    List<BrickClient> order = readOrder();
    return order.isEmpty() || mayBeStale(order.get(0)) ? null : localFirst(order);
  }

  private static BrickClient localFirst(List<BrickClient> order) {
    return !order.isEmpty() && order.get(0).isUp() && order.get(0).localFiles() != null ? order.get(0) : null;
  }

  /** The data bricks to read {@code path} from, best first. */
  private List<BrickClient> goodOrder(String path) {
    awaitAnyLive();
    List<BrickClient> order = readOrder();
    if (!order.isEmpty() && order.get(0).isUp() && mayBeStale(order.get(0))) {
      order = verifiedOrder(path, order);
    }
    return order;
  }

  /**
   * Asks the bricks in {@code order}; if none answers, waits up to a ping timeout for a data brick to answer a probe
   * and asks once more. Nobody answering for a moment is what a client sees while its cluster membership merges
   * after a healed partition (replies to its old member id are discarded): the copies are reachable, so a read
   * stalls there instead of failing.
   */
  private <R> R read(BrickRequest<R> request, String path, List<BrickClient> order) {
    boolean anyWasUp = order.stream().anyMatch(BrickClient::isUp);
    try {
      return readOnce(request, order);
    } catch (BrickException e) {
      // Bricks all known to be down (the volume's nodes are gone) fail at once, as before.
      if (e.errno() != Errno.ENOTCONN || !anyWasUp || !probeUntilADataBrickAnswers()) {
        throw e;
      }
      LOG.info(BrickCodec.op(request) + " " + path + ": no brick answered; asked again once one did");
      return readOnce(request, goodOrder(path));
    }
  }

  /**
   * Probes the data bricks until one answers, for up to {@link #waitMs}: during a merge a brick's address may be
   * refused at once for a moment (its registrations are made again), so a quick refusal is asked again.
   */
  private boolean probeUntilADataBrickAnswers() {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    List<BrickClient> data = bricks.stream().filter(b -> !b.brick().arbiter()).toList();
    while (!anyAnswersProbe(data)) {
      if (System.nanoTime() >= end) {
        return false;
      }
      try {
        Thread.sleep(PROBE_AGAIN_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private <R> R readOnce(BrickRequest<R> request, List<BrickClient> order) {
    BrickException last = null;
    for (BrickClient b : order) { // down bricks come last: tried only when no live one answered
      try {
        return await(b.call(request));
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
        last = e;
      }
    }
    throw last != null ? last : new BrickException(Errno.ENOTCONN, "no brick of the volume is reachable");
  }

  /**
   * The answer of a change (a data brick's with attributes, where one took it), the bricks that took it, each one's
   * answer, and whether every brick it was sent to took it (then none still has its request on the way).
   */
  public record Written<R>(R answer, List<BrickClient> took, Map<BrickClient, R> answers, boolean everyTargetTook) {}

  /** {@link #writeAsync}, waited for (on a FUSE thread). */
  public <R> R write(BrickRequest<R> request, String blameOn) {
    awaitAnyLive();
    return await(writeAsync(request, blameOn)).answer();
  }

  /**
   * A change on every live brick in parallel. If every brick that answered refused it with the same errno, that
   * is the answer; if some took it and others did not, the ones that missed it are blamed on the ones that have it
   * ({@code blameOn}: the file for data and attributes, the parent directory for names) before it completes.
   */
  public <R> Future<Written<R>> writeAsync(BrickRequest<R> request, String blameOn) {
    return writeAsync(request, blameOn, null);
  }

  /**
   * {@link #writeAsync} to the data bricks of {@code locked} only (and the live arbiters): a writer writes where it
   * holds the file's lock, and a brick that came back since it took the lock is blamed, not written to, until
   * the writer's next session (it may hold another side's version of the file).
   */
  public <R> Future<Written<R>> writeAsync(BrickRequest<R> request, String blameOn, List<BrickClient> locked) {
    List<BrickClient> targets = bricks.stream().filter(BrickClient::isUp)
        .filter(b -> locked == null || b.brick().arbiter() || locked.contains(b)).toList();
    if (targets.isEmpty()) {
      return Future.failedFuture(new BrickException(Errno.ENOTCONN, "no brick of the volume is reachable"));
    }
    Quorum q = quorum;
    if (!q.met(targets, bricks.size())) {
      return Future.failedFuture(new BrickException(Errno.EROFS, q.describe(targets.size(), bricks.size())));
    }
    List<Future<R>> calls = targets.stream().map(b -> send(b, request)).toList();
    return Future.join(calls).transform(ignored -> {
      List<BrickClient> ok = new ArrayList<>();
      Map<BrickClient, R> answers = new HashMap<>();
      List<BrickClient> missed = new ArrayList<>(bricks.stream().filter(b -> !targets.contains(b)).toList());
      R answer = null;
      boolean answerIsPartial = false;
      BrickException refused = null;
      for (int i = 0; i < targets.size(); i++) {
        Future<R> f = calls.get(i);
        boolean arbiter = targets.get(i).brick().arbiter();
        if (f.succeeded()) {
          ok.add(targets.get(i));
          answers.put(targets.get(i), f.result());
          // A data brick's answer has the real size; a write made here has no attributes.
          boolean partial = arbiter || request instanceof Requests.Write && targets.get(i) == writesHere;
          if (answer == null || (answerIsPartial && !partial)) {
            answer = f.result();
            answerIsPartial = partial;
          }
        } else {
          BrickException e = (BrickException) f.cause();
          if (e.errno() != Errno.ENOTCONN && refused == null) {
            refused = e;
          }
          missed.add(targets.get(i));
        }
      }
      if (ok.isEmpty()) {
        return Future.failedFuture(refused != null ? refused
            : new BrickException(Errno.ENOTCONN, "no brick of the volume took " + BrickCodec.op(request)));
      }
      if (!q.met(ok, bricks.size())) {
        // Not acknowledged, but the bricks that took it now differ from the others with nobody blamed: the
        // dirty mark makes heal put the clean copies of the majority back.
        ok.forEach(b -> b.call(new Requests.MetaUpdate(blameOn, 1, 0, 0, Map.of())));
        return Future.failedFuture(new BrickException(Errno.EROFS, q.describe(ok.size(), bricks.size())));
      }
      if (refused != null) {
        LOG.warning(BrickCodec.op(request) + " (" + blameOn + ") succeeded on " + names(ok)
            + " but failed on others (" + refused + "); they are marked for heal");
      }
      // The answer of the brick this mount reads from where it has one: what a stat(2) shows now and later agree.
      BrickClient reader = request instanceof Requests.Write ? null : readOrder().get(0);
      if (answers.containsKey(reader)) {
        answer = answers.get(reader);
      }
      Written<R> w = new Written<>(answer, ok, answers, ok.size() == targets.size());
      return missed.isEmpty() ? Future.succeededFuture(w) : blame(ok, missed, blameOn).map(w);
    });
  }

  /** A change for one brick: a write of the session made here where it may be ({@link BrickClient#writeHere}). */
  @SuppressWarnings("unchecked")
  private <R> Future<R> send(BrickClient b, BrickRequest<R> request) {
    if (b == writesHere && request instanceof Requests.Write w) {
      return (Future<R>) b.writeHere(w);
    }
    return b.call(b.brick().arbiter() ? withoutData(request) : request);
  }

  /** Arbiter bricks hold names and versions, never file data (a new file's first bytes come with CREATE). */
  @SuppressWarnings("unchecked")
  private static <R> BrickRequest<R> withoutData(BrickRequest<R> request) {
    if (request instanceof Requests.Write w) {
      return (BrickRequest<R>) new Requests.Write(w.path(), w.offset(), w.dirty(), w.owner(), Buffer.buffer());
    }
    if (request instanceof Requests.Create c) {
      return (BrickRequest<R>) new Requests.Create(c.path(), c.mode(), c.uid(), c.gid(), c.gfid(), c.exclusive(),
          c.dirty(), c.owner(), c.lease(), Buffer.buffer());
    }
    return request;
  }

  /** Records, on each brick that has the change, that the missing bricks need it: durable before it completes. */
  Future<Void> blame(List<BrickClient> have, List<BrickClient> missed, String path) {
    Map<Integer, Long> pending = new HashMap<>();
    missed.forEach(b -> pending.put(b.index(), 1L));
    Requests.MetaUpdate blame = new Requests.MetaUpdate(path, 0, 0, 0, pending);
    List<Future<Replies.MetaReply>> marks = have.stream().map(b -> b.call(blame)).toList();
    return Future.join(marks).transform(ignored -> {
      if (marks.stream().anyMatch(Future::succeeded)) {
        return Future.<Void>succeededFuture();
      }
      // Out of room (inodes too) is what the program is told as such; anything else is an I/O error.
      Errno errno = marks.stream().anyMatch(m -> m.cause() instanceof BrickException b && b.errno() == Errno.ENOSPC)
          ? Errno.ENOSPC : Errno.EIO;
      return Future.failedFuture(new BrickException(errno, path + ": could not record on any brick that "
          + names(missed) + " missed a change (" + marks.get(0).cause().getMessage() + ")"));
    });
  }

  /** AFR post-op: the bricks that took every write of a session are no longer dirty. Completes when all answered. */
  public Future<Void> clearDirty(String path, List<BrickClient> on) {
    List<Future<Replies.MetaReply>> calls = new ArrayList<>();
    for (BrickClient b : on) {
      if (b.isUp()) {
        calls.add(b.call(new Requests.MetaUpdate(path, -1, 0, 0, Map.of()))
            .onFailure(e -> LOG.fine("dirty mark of " + path + " stays on " + b.brick().name() + ": " + e)));
      }
    }
    return Future.join(calls).mapEmpty();
  }

  /** Every brick of the set is up: a change sent now fails only if a brick dies under it (and then is healed). */
  public boolean allUp() {
    return bricks.stream().allMatch(BrickClient::isUp);
  }

  /** Every brick of the set that is up, arbiters too, in brick order. */
  List<BrickClient> liveBricks() {
    return bricks.stream().filter(BrickClient::isUp).sorted(Comparator.comparingInt(b -> b.index())).toList();
  }

  /** Where writers take a file's lock: every live data brick, in brick order. */
  public List<BrickClient> liveDataBricks() {
    return liveBricks().stream().filter(b -> !b.brick().arbiter()).toList();
  }

  public <T> T await(Future<T> f) {
    try {
      // A brick request ends by itself: answered, its brick silent for a ping timeout, or past its deadline.
      return f.toCompletionStage().toCompletableFuture().get(BrickClient.OP_DEADLINE_MS + waitMs,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrickException b ? b : new BrickException(Errno.EIO, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new BrickException(Errno.ENOTCONN, "no answer within " + (BrickClient.OP_DEADLINE_MS + waitMs) + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrickException(Errno.EIO, "interrupted");
    }
  }

  private static String names(List<BrickClient> bs) {
    return bs.stream().map(b -> b.brick().name()).toList().toString();
  }
}
