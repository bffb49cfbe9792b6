package dev.mortar.brick.server.locks;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.BrickTunables;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Per-file write locks held by a brick, in memory, on the brick's event loop (never blocking it: a waiting request
 * is answered later). Every lock has a lease, so a client that dies holding one blocks others for at most a lease.
 *
 * <p>A lease that ran out fences its holder once another writer has taken the lock: a write it sent before a network
 * cut can reach the brick when the network is back (TCP delivers what was queued), after the other writer wrote at
 * the same offsets, and must not overwrite that. The fenced writer gave up on this brick long before (it is blamed
 * there), so refusing its late writes loses nothing.
 */
public final class FileLocks {
  private static final Logger LOG = Logger.getLogger(FileLocks.class.getName());

  private final Vertx vertx;
  private final long minLeaseMs = BrickTunables.LOCK_MIN_LEASE_MS.get();
  private final Map<String, State> locks = new HashMap<>();
  /** Per file, the owners whose lease ran out and who were not fenced yet (nobody took the lock since). */
  private final Map<String, Set<String>> lapsed = bounded();
  private final Map<String, Boolean> fenced = bounded();

  private static final class State {
    String owner;
    long leaseTimer = -1;
    final Deque<Waiter> waiters = new ArrayDeque<>();
  }

  private record Waiter(String owner, long lease, Promise<Replies.Done> granted, long timer) {}

  public FileLocks(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Takes or renews the lock, at once or once its holder lets go (EAGAIN after {@code waitMs}). */
  public Future<Replies.Done> lock(Requests.Lock r) {
    String path = r.path();
    String owner = r.owner();
    if (fenced.containsKey(owner)) {
      return Future.failedFuture(new BrickException(Errno.ESTALE, path + ": the lease of " + owner + " ran out and"
          + " another writer took the lock since; a new write session takes it again"));
    }
    if (tryLock(path, owner, r.lease())) {
      return Future.succeededFuture(Replies.Done.INSTANCE);
    }
    State st = locks.get(path);
    long wait = Math.max(0, r.waitMs());
    if (wait == 0) { // a try: the caller learns at once that another writer holds it
      return Future.failedFuture(new BrickException(Errno.EAGAIN, path + " is locked by another writer ("
          + st.owner + ")"));
    }
    Promise<Replies.Done> granted = Promise.promise();
    long[] timer = new long[1];
    Waiter w = new Waiter(owner, r.lease(), granted, vertx.setTimer(wait, t -> {
      if (st.waiters.removeIf(x -> x.timer() == timer[0])) {
        granted.fail(new BrickException(Errno.EAGAIN, path + " is locked by another writer (" + st.owner
            + ") for longer than " + wait + " ms"));
      }
    }));
    timer[0] = w.timer();
    st.waiters.add(w);
    return granted.future();
  }

  /** Takes (or renews) the lock if nobody else holds it and its owner is not fenced; never waits. */
  public boolean tryLock(String path, String owner, long lease) {
    if (fenced.containsKey(owner)) {
      return false;
    }
    State st = locks.computeIfAbsent(path, k -> new State());
    if (st.owner == null || st.owner.equals(owner)) {
      grant(path, st, owner, lease);
      return true;
    }
    return false;
  }

  /**
   * Whether a write of {@code owner}'s session may go to {@code path}: not while another writer holds the lock, and
   * never once the owner is fenced.
   */
  public boolean mayWrite(String path, String owner) {
    if (fenced.containsKey(owner)) {
      return false;
    }
    State st = locks.get(path);
    return st == null || st.owner == null || st.owner.equals(owner);
  }

  private void grant(String path, State st, String owner, long askedLease) {
    long lease = Math.max(minLeaseMs, askedLease);
    Set<String> ranOut = lapsed.remove(path);
    if (ranOut != null) {
      ranOut.remove(owner);
      ranOut.forEach(o -> fenced.put(o, true));
    }
    st.owner = owner;
    if (st.leaseTimer >= 0) {
      vertx.cancelTimer(st.leaseTimer);
    }
    st.leaseTimer = vertx.setTimer(lease, t -> {
      LOG.warning("write lock of " + path + " held by " + owner + " expired after " + lease + " ms");
      st.leaseTimer = -1;
      lapsed.computeIfAbsent(path, k -> new HashSet<>()).add(owner);
      release(path, owner);
    });
  }

  /** Gives the lock up if {@code owner} holds it; the next waiter gets it. */
  public void release(String path, String owner) {
    State st = locks.get(path);
    if (st == null || st.owner == null || !st.owner.equals(owner)) {
      return;
    }
    if (st.leaseTimer >= 0) {
      vertx.cancelTimer(st.leaseTimer);
      st.leaseTimer = -1;
    }
    st.owner = null;
    Waiter next = st.waiters.poll();
    if (next != null) {
      vertx.cancelTimer(next.timer());
      grant(path, st, next.owner(), next.lease());
      next.granted().complete(Replies.Done.INSTANCE);
    } else {
      locks.remove(path);
    }
  }

  /** An insertion-ordered map that forgets its oldest entry beyond {@link BrickTunables#LOCK_FENCED_REMEMBERED}. */
  private static <V> Map<String, V> bounded() {
    long remembered = BrickTunables.LOCK_FENCED_REMEMBERED.get();
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > remembered;
      }
    };
  }
}
