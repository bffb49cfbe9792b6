package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fcntl(2) record locks programs hold on the volume's files through any mount, kept as {@link Flocks} keeps
 * flock locks (see {@link LeasedLocks}). The mount computes what an owner holds after each change (it knows its own
 * locks); the brick only checks that against the other owners' and keeps it.
 */
final class RecordLocks {
  private final LeasedLocks<List<LockRange>> locks;

  RecordLocks(Vertx vertx) {
    this.locks = new LeasedLocks<>(vertx, "record locks");
  }

  void handle(Message<BrickFrame> m) {
    JsonObject h = m.body().header();
    String gfid = h.getString(BrickFields.GFID);
    String owner = h.getString(BrickFields.OWNER);
    JsonObject probe = h.getJsonObject(BrickFields.PROBE);
    JsonArray ranges = h.getJsonArray(BrickFields.RANGES);
    List<LockRange> wanted;
    LockRange probed;
    try {
      if (gfid == null || owner == null || (probe == null) == (ranges == null)) {
        throw new IllegalArgumentException("RECORD_LOCK needs a gfid, an owner, and ranges or a probe");
      }
      wanted = ranges == null ? null : LockRange.fromJson(ranges);
      probed = probe == null ? null : LockRange.fromJson(probe);
    } catch (RuntimeException e) {
      m.fail(Errno.EINVAL.code, "bad RECORD_LOCK: " + e.getMessage());
      return;
    }
    Map<String, List<LockRange>> holders = locks.holders(gfid);
    if (probed != null) {
      JsonObject out = new JsonObject();
      inTheWay(holders, owner, List.of(probed)).ifPresent(c -> out.put(BrickFields.CONFLICT, c.toJson()));
      m.reply(BrickFrame.of(out));
      return;
    }
    Optional<LockRange> conflict = inTheWay(holders, owner, wanted);
    if (conflict.isPresent()) {
      m.fail(Errno.EAGAIN.code, "bytes " + conflict.get().start() + "-" + conflict.get().end() + " of file " + gfid
          + " are locked by another owner");
      return;
    }
    if (wanted.isEmpty()) {
      locks.drop(gfid, owner);
    } else {
      locks.put(gfid, owner, List.copyOf(wanted), LeasedLocks.lease(h));
    }
    m.reply(BrickFrame.of(new JsonObject()));
  }

  /** The first lock of another owner that conflicts with one of {@code ranges}. */
  private static Optional<LockRange> inTheWay(Map<String, List<LockRange>> holders, String owner,
                                              List<LockRange> ranges) {
    return holders.entrySet().stream().filter(e -> !e.getKey().equals(owner))
        .flatMap(e -> e.getValue().stream())
        .filter(theirs -> ranges.stream().anyMatch(theirs::conflictsWith)).findFirst();
  }
}
