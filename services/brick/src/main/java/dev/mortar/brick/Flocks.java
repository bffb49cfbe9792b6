package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The flock(2) locks programs hold on the volume's files through any mount, as GlusterFS's locks translator keeps
 * them on each brick: by file ID, shared or exclusive, in memory on the brick's event loop. Each has a lease the
 * mount renews, so a mount that dies or is cut off holding one blocks the others for at most a lease.
 */
final class Flocks {
  private static final Logger LOG = Logger.getLogger(Flocks.class.getName());
  private static final long MIN_LEASE_MS = 1_000;
  private static final long MAX_LEASE_MS = 60_000;

  private final Vertx vertx;
  /** File ID -> owner -> the lock it holds. */
  private final Map<String, Map<String, Held>> files = new HashMap<>();

  private record Held(boolean exclusive, long leaseTimer) {}

  Flocks(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Takes, converts, renews or gives up a lock; answers at once. */
  void handle(Message<BrickFrame> m) {
    JsonObject h = m.body().header();
    String gfid = h.getString(BrickFields.GFID);
    String owner = h.getString(BrickFields.OWNER);
    String type = h.getString(BrickFields.FLOCK);
    if (gfid == null || owner == null || type == null) {
      m.fail(Errno.EINVAL.code, "FLOCK needs a gfid, an owner and a flock type");
      return;
    }
    if (type.equals(BrickFields.FLOCK_UNLOCK)) {
      drop(gfid, owner, -1);
      m.reply(BrickFrame.of(new JsonObject()));
      return;
    }
    if (!type.equals(BrickFields.FLOCK_SHARED) && !type.equals(BrickFields.FLOCK_EXCLUSIVE)) {
      m.fail(Errno.EINVAL.code, "unknown flock type '" + type + "' (sh, ex or un)");
      return;
    }
    boolean exclusive = type.equals(BrickFields.FLOCK_EXCLUSIVE);
    Map<String, Held> holders = files.computeIfAbsent(gfid, k -> new HashMap<>());
    for (Map.Entry<String, Held> e : holders.entrySet()) {
      if (!e.getKey().equals(owner) && (exclusive || e.getValue().exclusive())) {
        m.fail(Errno.EAGAIN.code, "file " + gfid + " is flocked by " + e.getKey());
        return;
      }
    }
    long lease = lease(h);
    Held old = holders.get(owner);
    if (old != null) {
      vertx.cancelTimer(old.leaseTimer());
    }
    long[] timer = new long[1];
    timer[0] = vertx.setTimer(lease, t -> {
      if (drop(gfid, owner, timer[0])) {
        LOG.warning("flock of file " + gfid + " held by " + owner + " expired after " + lease + " ms (its mount"
            + " stopped renewing it: dead or cut off)");
      }
    });
    holders.put(owner, new Held(exclusive, timer[0]));
    m.reply(BrickFrame.of(new JsonObject()));
  }

  /** The lease a lock request asks for, within bounds. */
  static long lease(JsonObject h) {
    return Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, h.getLong(BrickFields.LEASE, 10_000L)));
  }

  /** Drops {@code owner}'s lock of the file ({@code onlyTimer}: only if that lease timer is still its own). */
  private boolean drop(String gfid, String owner, long onlyTimer) {
    Map<String, Held> holders = files.get(gfid);
    Held held = holders == null ? null : holders.get(owner);
    if (held == null || onlyTimer >= 0 && held.leaseTimer() != onlyTimer) {
      return false;
    }
    vertx.cancelTimer(held.leaseTimer());
    holders.remove(owner);
    if (holders.isEmpty()) {
      files.remove(gfid);
    }
    return true;
  }
}
