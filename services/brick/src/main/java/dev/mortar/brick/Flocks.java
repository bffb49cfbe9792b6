package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The flock(2) locks programs hold on the volume's files through any mount, as GlusterFS's locks translator keeps
 * them on each brick: by file ID, shared (false) or exclusive (true), with a lease (see {@link LeasedLocks}).
 */
final class Flocks {
  private final LeasedLocks<Boolean> locks;

  Flocks(Vertx vertx) {
    this.locks = new LeasedLocks<>(vertx, "flock");
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
      locks.drop(gfid, owner);
      m.reply(BrickFrame.of(new JsonObject()));
      return;
    }
    if (!type.equals(BrickFields.FLOCK_SHARED) && !type.equals(BrickFields.FLOCK_EXCLUSIVE)) {
      m.fail(Errno.EINVAL.code, "unknown flock type '" + type + "' (sh, ex or un)");
      return;
    }
    boolean exclusive = type.equals(BrickFields.FLOCK_EXCLUSIVE);
    for (Map.Entry<String, Boolean> e : locks.holders(gfid).entrySet()) {
      if (!e.getKey().equals(owner) && (exclusive || e.getValue())) {
        m.fail(Errno.EAGAIN.code, "file " + gfid + " is flocked by " + e.getKey());
        return;
      }
    }
    locks.put(gfid, owner, exclusive, LeasedLocks.lease(h));
    m.reply(BrickFrame.of(new JsonObject()));
  }
}
