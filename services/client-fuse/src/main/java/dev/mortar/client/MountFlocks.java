package dev.mortar.client;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * flock(2) across every mount of the volume: a program's lock is taken on every live brick of the replica set (each
 * keeps it by file ID, see BrickOp.FLOCK), so that {@code flock -n /mnt/vol/job.lock cmd} run from cron on every
 * server runs the job on one at a time. Held with a lease renewed here: a mount that dies or is cut off lets go
 * within a lease. A blocking flock is tried again until it is granted or its program is signalled (FUSE sends this
 * mount no interrupt: the pending signals of the caller are looked at instead).
 */
final class MountFlocks {
  private static final Logger LOG = Logger.getLogger(MountFlocks.class.getName());
  static final long LEASE_MS = 10_000;
  private static final long RETRY_MS = 100;
  /** flock(2) operations, as Linux numbers them. */
  static final int LOCK_SH = 1;
  static final int LOCK_EX = 2;
  static final int LOCK_NB = 4;
  static final int LOCK_UN = 8;

  private final ReplicaSet rs;
  /** Owner (this mount and the kernel's lock owner: one open file description) -> what it holds. */
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  private record Held(String gfid, String type, List<BrickClient> bricks) {}

  MountFlocks(ReplicaSet rs, Vertx vertx) {
    this.rs = rs;
    vertx.setPeriodic(LEASE_MS / 3, t -> held.forEach((owner, h) -> h.bricks().stream().filter(BrickClient::isUp)
        .forEach(b -> call(b, h.gfid(), owner, h.type()).onFailure(e -> LOG.warning("flock of file " + h.gfid()
            + " by " + owner + " could not be renewed on " + b.brick.name() + ": " + e.getMessage())))));
  }

  /** Does what flock(2) asked; {@code pid} is the caller's, for its pending signals. Returns 0 or -errno. */
  int flock(String gfid, String owner, int op, long pid) {
    if ((op & LOCK_UN) != 0) {
      Held h = held.remove(owner);
      if (h != null) {
        awaitAll(h.bricks().stream().map(b -> call(b, h.gfid(), owner, BrickFields.FLOCK_UNLOCK)).toList());
      }
      return 0;
    }
    String type = (op & LOCK_EX) != 0 ? BrickFields.FLOCK_EXCLUSIVE : BrickFields.FLOCK_SHARED;
    while (true) {
      List<BrickClient> bricks = rs.liveBricks();
      if (bricks.isEmpty()) {
        return -Errno.ENOTCONN.code;
      }
      List<Future<BrickFrame>> calls = bricks.stream().map(b -> call(b, gfid, owner, type)).toList();
      awaitAll(calls);
      List<BrickClient> granted = new ArrayList<>();
      boolean busy = false;
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).succeeded()) {
          granted.add(bricks.get(i));
        } else if (calls.get(i).cause() instanceof BrickException e && e.errno() != Errno.ENOTCONN) {
          busy |= e.errno() == Errno.EAGAIN;
          if (e.errno() != Errno.EAGAIN) {
            return -e.errno().code;
          }
        }
      }
      if (!busy && !granted.isEmpty()) {
        held.put(owner, new Held(gfid, type, granted));
        return 0;
      }
      // Another mount's lock conflicts on some brick: what was granted goes back to what this owner held before.
      Held before = held.get(owner);
      granted.forEach(b -> call(b, gfid, owner, before != null ? before.type() : BrickFields.FLOCK_UNLOCK));
      if (!busy) {
        return -Errno.ENOTCONN.code;
      }
      if ((op & LOCK_NB) != 0) {
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

  /** The file holding {@code owner}'s lock was closed for the last time: the lock goes, without waiting. */
  void released(String owner) {
    Held h = held.remove(owner);
    if (h != null) {
      h.bricks().forEach(b -> call(b, h.gfid(), owner, BrickFields.FLOCK_UNLOCK));
    }
  }

  /** Waits until every call is answered (each ends by itself: answered, or past its deadline). */
  private void awaitAll(List<Future<BrickFrame>> calls) {
    try {
      rs.await(Future.join(calls).otherwiseEmpty());
    } catch (BrickException e) {
      // the calls tell which bricks answered
    }
  }

  private static Future<BrickFrame> call(BrickClient b, String gfid, String owner, String type) {
    return b.call(BrickOp.FLOCK, "/", h -> h.put(BrickFields.GFID, gfid).put(BrickFields.OWNER, owner)
        .put(BrickFields.FLOCK, type).put(BrickFields.LEASE, LEASE_MS), Buffer.buffer());
  }

  /** Whether the process has a signal pending (Ctrl-C, kill): its wait for the lock ends with EINTR. */
  static boolean signalled(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if ((line.startsWith("SigPnd:") || line.startsWith("ShdPnd:")) && Long.parseLong(line.substring(7).trim(), 16)
            != 0) {
          return true;
        }
      }
      return false;
    } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
      return true; // gone, or not a process this mount can see: nobody waits any more
    }
  }
}
