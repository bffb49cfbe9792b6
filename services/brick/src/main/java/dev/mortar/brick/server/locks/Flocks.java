package dev.mortar.brick.server.locks;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The flock(2) locks programs hold on the volume's files through any mount, as GlusterFS's locks translator keeps
 * them on each brick: by file ID, shared (false) or exclusive (true), with a lease (see {@link LeasedLocks}).
 */
public final class Flocks {
  private final LeasedLocks<Boolean> locks;

  public Flocks(Vertx vertx) {
    this.locks = new LeasedLocks<>(vertx, "flock");
  }

  /** Takes, converts, renews or gives up a lock; EAGAIN while another owner holds a conflicting one. */
  public Replies.Done flock(Requests.Flock r) {
    if (r.type() == Requests.FlockType.UNLOCK) {
      locks.drop(r.gfid(), r.owner());
      return Replies.Done.INSTANCE;
    }
    boolean exclusive = r.type() == Requests.FlockType.EXCLUSIVE;
    for (Map.Entry<String, Boolean> e : locks.holders(r.gfid()).entrySet()) {
      if (!e.getKey().equals(r.owner()) && (exclusive || e.getValue())) {
        throw new BrickException(Errno.EAGAIN, "file " + r.gfid() + " is flocked by " + e.getKey());
      }
    }
    locks.put(r.gfid(), r.owner(), exclusive, r.lease());
    return Replies.Done.INSTANCE;
  }
}
