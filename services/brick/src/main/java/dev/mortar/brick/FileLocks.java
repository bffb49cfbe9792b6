package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
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
final class FileLocks {
  private static final Logger LOG = Logger.getLogger(FileLocks.class.getName());
  /** Files and fenced owners remembered at most: a late write comes within minutes; owners are never reused. */
  static final int REMEMBERED = 4096;

  private final Vertx vertx;
  private final Map<String, State> locks = new HashMap<>();
  /** Per file, the owners whose lease ran out and who were not fenced yet (nobody took the lock since). */
  private final Map<String, Set<String>> lapsed = bounded();
  private final Map<String, Boolean> fenced = bounded();

  private static final class State {
    String owner;
    long leaseTimer = -1;
    final Deque<Waiter> waiters = new ArrayDeque<>();
  }

  private record Waiter(String owner, long lease, Message<BrickFrame> msg, long timer) {}

  FileLocks(Vertx vertx) {
    this.vertx = vertx;
  }

  void lock(Message<BrickFrame> m) {
    JsonObject h = m.body().header();
    String path = h.getString(BrickFields.PATH);
    String owner = h.getString(BrickFields.OWNER);
    long lease = Math.max(100, h.getLong(BrickFields.LEASE, 10_000L));
    long wait = Math.max(0, h.getLong(BrickFields.WAIT, 30_000L));
    if (path == null || owner == null) {
      m.fail(Errno.EINVAL.code, "LOCK needs a path and an owner");
      return;
    }
    if (fenced.containsKey(owner)) {
      m.fail(Errno.ESTALE.code, path + ": the lease of " + owner + " ran out and another writer took the lock since;"
          + " a new write session takes it again");
      return;
    }
    if (tryLock(path, owner, lease)) {
      m.reply(BrickFrame.of(new JsonObject()));
      return;
    }
    State st = locks.get(path);
    if (wait == 0) { // a try: the caller learns at once that another writer holds it
      m.fail(Errno.EAGAIN.code, path + " is locked by another writer (" + st.owner + ")");
      return;
    }
    long[] timer = new long[1];
    Waiter w = new Waiter(owner, lease, m, vertx.setTimer(wait, t -> {
      if (st.waiters.removeIf(x -> x.timer() == timer[0])) {
        m.fail(Errno.EAGAIN.code, path + " is locked by another writer (" + st.owner + ") for longer than " + wait
            + " ms");
      }
    }));
    timer[0] = w.timer();
    st.waiters.add(w);
  }

  /** Takes (or renews) the lock if nobody else holds it and its owner is not fenced; never waits. */
  boolean tryLock(String path, String owner, long lease) {
    if (fenced.containsKey(owner)) {
      return false;
    }
    State st = locks.computeIfAbsent(path, k -> new State());
    if (st.owner == null || st.owner.equals(owner)) {
      grant(path, st, owner, Math.max(100, lease));
      return true;
    }
    return false;
  }

  void unlock(Message<BrickFrame> m) {
    JsonObject h = m.body().header();
    release(h.getString(BrickFields.PATH), h.getString(BrickFields.OWNER));
    m.reply(BrickFrame.of(new JsonObject()));
  }

  /**
   * Whether a write of {@code owner}'s session may go to {@code path}: not while another writer holds the lock, and
   * never once the owner is fenced.
   */
  boolean mayWrite(String path, String owner) {
    if (fenced.containsKey(owner)) {
      return false;
    }
    State st = locks.get(path);
    return st == null || st.owner == null || st.owner.equals(owner);
  }

  private void grant(String path, State st, String owner, long lease) {
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

  void release(String path, String owner) {
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
      next.msg().reply(BrickFrame.of(new JsonObject()));
    } else {
      locks.remove(path);
    }
  }

  /** An insertion-ordered map that forgets its oldest entry beyond {@link #REMEMBERED}. */
  private static <V> Map<String, V> bounded() {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
