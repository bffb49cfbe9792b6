package dev.mortar.client;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * flock(2) and fcntl(2) locks across every mount of the volume, as GlusterFS's locks translator gives them: a
 * program's lock is taken on every live brick of the replica set, which keep it by file ID (see BrickOp.FLOCK and
 * BrickOp.RECORD_LOCK), so {@code flock -n /mnt/vol/job.lock job} from cron on every server runs the job on one
 * server at a time. Held with a lease renewed here: a mount that dies or is cut off lets go within a lease, and a
 * restarted brick gets the locks back at the next renewal. A lock that another owner holds on some brick is given
 * back where it was granted; a blocking one is tried again until it is granted or its program is signalled (FUSE
 * sends this mount no interrupt: the pending signals of the caller are looked at instead).
 */
final class MountLocks {
  private static final Logger LOG = Logger.getLogger(MountLocks.class.getName());
  static final long LEASE_MS = 10_000;
  private static final long RETRY_MS = 100;
  /** flock(2) operations, as Linux numbers them. */
  static final int LOCK_SH = 1;
  static final int LOCK_EX = 2;
  static final int LOCK_NB = 4;
  static final int LOCK_UN = 8;

  private final ReplicaSet rs;
  /** What each owner holds in each file, by {@link #key}. */
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /** What renews a lock; {@code ranges} for record locks; the file's path when it was locked. */
  private record Held(BrickOp op, String owner, String gfid, String path, Consumer<JsonObject> fields,
                      List<LockRange> ranges) {}

  MountLocks(ReplicaSet rs, Vertx vertx) {
    this.rs = rs;
    // Renewed on every live brick: one that was away when the lock was taken (or restarted since) gets it too.
    vertx.setPeriodic(LEASE_MS / 3, t -> held.values().forEach(h -> rs.liveBricks().forEach(b -> call(b, h.op(),
        h.gfid(), h.owner(), h.fields()).onFailure(e -> LOG.warning(h.op() + " locks of file " + h.gfid() + " by "
        + h.owner() + " could not be renewed on " + b.brick.name() + ": " + e.getMessage())))));
  }

  /** flock(2): {@code op} as the kernel gives it; {@code pid} is the caller's. Returns 0 or -errno. */
  int flock(String gfid, String path, String owner, int op, long pid) {
    String key = key(BrickOp.FLOCK, owner, gfid);
    Held before = held.get(key);
    String type = (op & LOCK_UN) != 0 ? BrickFields.FLOCK_UNLOCK
        : (op & LOCK_EX) != 0 ? BrickFields.FLOCK_EXCLUSIVE : BrickFields.FLOCK_SHARED;
    if (type.equals(BrickFields.FLOCK_UNLOCK) && before == null) {
      return 0;
    }
    return change(key, BrickOp.FLOCK, owner, gfid, path, flockFields(type), before != null ? before.fields()
        : flockFields(BrickFields.FLOCK_UNLOCK), type.equals(BrickFields.FLOCK_UNLOCK) ? null : List.of(),
        (op & LOCK_NB) == 0, pid);
  }

  /** F_SETLK and F_SETLKW: locks ({@code lock}) or unlocks {@code range} for {@code owner}. Returns 0 or -errno. */
  int setlk(String gfid, String path, String owner, LockRange range, boolean lock, boolean wait, long pid) {
    String key = key(BrickOp.RECORD_LOCK, owner, gfid);
    Held before = held.get(key);
    List<LockRange> now = before == null ? List.of() : before.ranges();
    List<LockRange> next = LockRange.apply(now, range, lock);
    if (next.equals(now)) {
      return 0;
    }
    return change(key, BrickOp.RECORD_LOCK, owner, gfid, path, rangeFields(next), rangeFields(now),
        next.isEmpty() ? null : next, wait, pid);
  }

  /** F_GETLK: the first lock of another owner in the way of {@code probe}, null if none. */
  LockRange getlk(String gfid, String owner, LockRange probe) {
    List<BrickClient> live = rs.liveBricks();
    if (live.isEmpty()) {
      throw new BrickException(Errno.ENOTCONN, "no brick of the volume is reachable");
    }
    JsonObject answer = rs.await(call(live.get(0), BrickOp.RECORD_LOCK, gfid, owner,
        h -> h.put(BrickFields.PROBE, probe.toJson()))).header();
    JsonObject conflict = answer.getJsonObject(BrickFields.CONFLICT);
    return conflict == null ? null : LockRange.fromJson(conflict);
  }

  /** Whether {@code owner} holds record locks in any file: the unlock at every close(2) is free when it does not. */
  boolean holdsRecordLocks(String owner) {
    return held.values().stream().anyMatch(h -> h.op() == BrickOp.RECORD_LOCK && h.owner().equals(owner));
  }

  /** The file ID of the file {@code owner} record-locked as {@code path}, null if none: its name may be gone. */
  String recordLocked(String owner, String path) {
    return held.values().stream().filter(h -> h.op() == BrickOp.RECORD_LOCK && h.owner().equals(owner)
        && h.path().equals(path)).map(Held::gfid).findFirst().orElse(null);
  }

  /** The last close of a flocked file: its flock goes (sent, not waited for: close(2) has returned already). */
  void released(String owner) {
    held.values().removeIf(h -> {
      boolean mine = h.op() == BrickOp.FLOCK && h.owner().equals(owner);
      if (mine) {
        rs.liveBricks().forEach(b -> call(b, BrickOp.FLOCK, h.gfid(), owner, flockFields(BrickFields.FLOCK_UNLOCK)));
      }
      return mine;
    });
  }

  /**
   * Sends {@code want} to every live brick; held from then on as {@code holds} (null: nothing is held any more).
   * Where another owner's lock is in the way on some brick, the bricks that granted it get {@code before} back.
   */
  private int change(String key, BrickOp op, String owner, String gfid, String path, Consumer<JsonObject> want,
                     Consumer<JsonObject> before, List<LockRange> holds, boolean wait, long pid) {
    while (true) {
      List<BrickClient> bricks = rs.liveBricks();
      if (bricks.isEmpty()) {
        return -Errno.ENOTCONN.code;
      }
      List<Future<BrickFrame>> calls = bricks.stream().map(b -> call(b, op, gfid, owner, want)).toList();
      try {
        rs.await(Future.join(calls).otherwiseEmpty());
      } catch (BrickException e) {
        // the calls tell which bricks answered
      }
      List<BrickClient> granted = new ArrayList<>();
      boolean busy = false;
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).succeeded()) {
          granted.add(bricks.get(i));
        } else if (calls.get(i).cause() instanceof BrickException e && e.errno() != Errno.ENOTCONN) {
          if (e.errno() != Errno.EAGAIN) {
            granted.forEach(b -> call(b, op, gfid, owner, before));
            return -e.errno().code;
          }
          busy = true;
        }
      }
      if (!busy && !granted.isEmpty()) {
        if (holds == null) {
          held.remove(key);
        } else {
          held.put(key, new Held(op, owner, gfid, path, want, holds));
        }
        return 0;
      }
      granted.forEach(b -> call(b, op, gfid, owner, before));
      if (!busy) {
        return -Errno.ENOTCONN.code;
      }
      if (!wait) {
        return -Errno.EAGAIN.code;
      }
      if (signalled(pid)) {
        return -Errno.EINTR.code;
      }
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR.code;
      }
    }
  }

  private static String key(BrickOp op, String owner, String gfid) {
    return op + " " + owner + " " + gfid;
  }

  private static Consumer<JsonObject> flockFields(String type) {
    return h -> h.put(BrickFields.FLOCK, type);
  }

  private static Consumer<JsonObject> rangeFields(List<LockRange> ranges) {
    return h -> h.put(BrickFields.RANGES, LockRange.toJson(ranges));
  }

  private static Future<BrickFrame> call(BrickClient b, BrickOp op, String gfid, String owner,
                                         Consumer<JsonObject> fields) {
    return b.call(op, "/", fields.andThen(h -> h.put(BrickFields.GFID, gfid).put(BrickFields.OWNER, owner)
        .put(BrickFields.LEASE, LEASE_MS)), Buffer.buffer());
  }

  /** Whether the process has a signal pending (Ctrl-C, kill, flock -w's alarm): its wait then ends with EINTR. */
  static boolean signalled(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if ((line.startsWith("SigPnd:") || line.startsWith("ShdPnd:"))
            && Long.parseLong(line.substring(7).trim(), 16) != 0) {
          return true;
        }
      }
      return false;
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      return true; // gone, or not a process this mount can see: nobody waits any more
    }
  }
}
