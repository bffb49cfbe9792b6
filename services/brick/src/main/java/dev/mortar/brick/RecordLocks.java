package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The fcntl(2) record locks programs hold on the volume's files through any mount, kept as {@link Flocks} keeps
 * flock locks: by file ID, in memory on the brick's event loop, each owner's with a lease its mount renews. The
 * mount computes what an owner holds after each change (it knows its own locks); the brick only checks that against
 * the other owners' and keeps it.
 */
final class RecordLocks {
  private static final Logger LOG = Logger.getLogger(RecordLocks.class.getName());

  private final Vertx vertx;
  /** File ID -> owner -> its locks in the file. */
  private final Map<String, Map<String, Owned>> files = new HashMap<>();

  private record Owned(List<LockRange> ranges, long leaseTimer) {}

  RecordLocks(Vertx vertx) {
    this.vertx = vertx;
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
    Map<String, Owned> owners = files.getOrDefault(gfid, Map.of());
    if (probed != null) {
      JsonObject out = new JsonObject();
      inTheWay(owners, owner, List.of(probed)).ifPresent(c -> out.put(BrickFields.CONFLICT, c.toJson()));
      m.reply(BrickFrame.of(out));
      return;
    }
    var conflict = inTheWay(owners, owner, wanted);
    if (conflict.isPresent()) {
      m.fail(Errno.EAGAIN.code, "bytes " + conflict.get().start() + "-" + conflict.get().end() + " of file " + gfid
          + " are locked by another owner");
      return;
    }
    drop(gfid, owner, -1);
    if (!wanted.isEmpty()) {
      long lease = Flocks.lease(h);
      long[] timer = new long[1];
      timer[0] = vertx.setTimer(lease, t -> {
        if (drop(gfid, owner, timer[0])) {
          LOG.warning("record locks of file " + gfid + " held by " + owner + " expired after " + lease + " ms (its"
              + " mount stopped renewing them: dead or cut off)");
        }
      });
      files.computeIfAbsent(gfid, k -> new HashMap<>()).put(owner, new Owned(List.copyOf(wanted), timer[0]));
    }
    m.reply(BrickFrame.of(new JsonObject()));
  }

  /** The first lock of another owner that conflicts with one of {@code ranges}. */
  private static java.util.Optional<LockRange> inTheWay(Map<String, Owned> owners, String owner,
                                                        List<LockRange> ranges) {
    return owners.entrySet().stream().filter(e -> !e.getKey().equals(owner))
        .flatMap(e -> e.getValue().ranges().stream())
        .filter(theirs -> ranges.stream().anyMatch(theirs::conflictsWith)).findFirst();
  }

  private boolean drop(String gfid, String owner, long onlyTimer) {
    Map<String, Owned> owners = files.get(gfid);
    Owned held = owners == null ? null : owners.get(owner);
    if (held == null || onlyTimer >= 0 && held.leaseTimer() != onlyTimer) {
      return false;
    }
    vertx.cancelTimer(held.leaseTimer());
    owners.remove(owner);
    if (owners.isEmpty()) {
      files.remove(gfid);
    }
    return true;
  }
}
