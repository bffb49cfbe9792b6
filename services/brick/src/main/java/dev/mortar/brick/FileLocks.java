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
import java.util.Map;
import java.util.logging.Logger;

/**
 * Per-file write locks held by a brick, in memory, on the brick's event loop (never blocking it: a waiting request
 * is answered later). Every lock has a lease, so a client that dies holding one blocks others for at most a lease.
 */
final class FileLocks {
  private static final Logger LOG = Logger.getLogger(FileLocks.class.getName());

  private final Vertx vertx;
  private final Map<String, State> locks = new HashMap<>();

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

  /** Takes (or renews) the lock if nobody else holds it; never waits. */
  boolean tryLock(String path, String owner, long lease) {
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

  private void grant(String path, State st, String owner, long lease) {
    st.owner = owner;
    if (st.leaseTimer >= 0) {
      vertx.cancelTimer(st.leaseTimer);
    }
    st.leaseTimer = vertx.setTimer(lease, t -> {
      LOG.warning("write lock of " + path + " held by " + owner + " expired after " + lease + " ms");
      st.leaseTimer = -1;
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
}
