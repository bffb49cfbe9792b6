package dev.mortar.brick.server.locks;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fcntl(2) record locks programs hold on the volume's files through any mount, kept as {@link Flocks} keeps
 * flock locks (see {@link LeasedLocks}). The mount computes what an owner holds after each change (it knows its own
 * locks); the brick only checks that against the other owners' and keeps it.
 */
public final class RecordLocks {
  private final LeasedLocks<List<LockRange>> locks;

  public RecordLocks(Vertx vertx) {
    this.locks = new LeasedLocks<>(vertx, "record locks");
  }

  /** The owner holds these ranges from now on (none: gives all up); EAGAIN if one conflicts. */
  public Replies.Done set(Requests.RecordLocks r) {
    Optional<LockRange> conflict = inTheWay(r.gfid(), r.owner(), r.ranges());
    if (conflict.isPresent()) {
      throw new BrickException(Errno.EAGAIN, "bytes " + conflict.get().start() + "-" + conflict.get().end()
          + " of file " + r.gfid() + " are locked by another owner");
    }
    if (r.ranges().isEmpty()) {
      locks.drop(r.gfid(), r.owner());
    } else {
      locks.put(r.gfid(), r.owner(), List.copyOf(r.ranges()), r.lease());
    }
    return Replies.Done.INSTANCE;
  }

  /** F_GETLK: the first lock of another owner in the way of the probe. */
  public Replies.ProbeReply probe(Requests.ProbeRecordLock r) {
    return new Replies.ProbeReply(inTheWay(r.gfid(), r.owner(), List.of(r.probe())).orElse(null));
  }

  /** The first lock of another owner that conflicts with one of {@code ranges}. */
  private Optional<LockRange> inTheWay(String gfid, String owner, List<LockRange> ranges) {
    Map<String, List<LockRange>> holders = locks.holders(gfid);
    return holders.entrySet().stream().filter(e -> !e.getKey().equals(owner))
        .flatMap(e -> e.getValue().stream())
        .filter(theirs -> ranges.stream().anyMatch(theirs::conflictsWith)).findFirst();
  }
}
