package dev.mortar.client.replication;

import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * flock(2) and fcntl(2) locks across every mount of the volume, as GlusterFS's locks translator gives them: a
 * program's lock is taken on every live brick of the replica set, which keep it by file ID (see {@link Requests.Flock}
 * and {@link Requests.RecordLocks}), so {@code flock -n /mnt/vol/job.lock job} from cron on every server runs the job
 * on one server at a time. Held with a lease renewed here: a mount that dies or is cut off lets go within a lease, and
 * a restarted brick gets the locks back at the next renewal. A lock that another owner holds on some brick is given
 * back where it was granted; a blocking one is tried again until it is granted or its program is signalled (FUSE sends
 * this mount no interrupt: the pending signals of the caller are looked at instead).
 */
public final class MountLocks {
  private static final Logger LOG = Logger.getLogger(MountLocks.class.getName());
  static final long LEASE_MS = ClientTunables.PROGRAM_LOCK_LEASE_MS.get();
  private static final long RETRY_MS = ClientTunables.PROGRAM_LOCK_RETRY_MS.get();
  /** flock(2) operations, as Linux numbers them. */
  public static final int LOCK_EX = 2;
  public static final int LOCK_NB = 4;
  static final int LOCK_UN = 8;

  private final ReplicaSet rs;
  /** flock locks by owner: an open file description, which is of one file. */
  private final Map<String, Held> flocks = new ConcurrentHashMap<>();
  /** Record locks by owner (a process), then by file ID: looked up at every close(2), so never scanned. */
  private final Map<String, Map<String, Held>> records = new ConcurrentHashMap<>();

  /** A lock held: the file, its path when it was locked, and the flock's type or else the record locks' ranges. */
  private record Held(String gfid, String path, Requests.FlockType type, List<LockRange> ranges) {
    /** What takes or renews it. */
    BrickRequest<Replies.Done> request(String owner) {
      return type != null ? flock(gfid, owner, type) : records(gfid, owner, ranges);
    }
  }

  public MountLocks(ReplicaSet rs, Vertx vertx) {
    this.rs = rs;
    vertx.setPeriodic(LEASE_MS / 3, t -> {
      flocks.forEach(this::renew);
      records.forEach((owner, files) -> files.values().forEach(h -> renew(owner, h)));
    });
  }

  /** On every live brick: one that was away when the lock was taken (or restarted since) gets it too. */
  private void renew(String owner, Held h) {
    BrickRequest<Replies.Done> renewal = h.request(owner);
    rs.liveBricks().forEach(b -> b.call(renewal).onFailure(e -> LOG.warning(BrickCodec.op(renewal)
        + " locks of file " + h.gfid() + " by " + owner + " could not be renewed on " + b.brick().name() + ": "
        + e.getMessage())));
  }

  /** flock(2): {@code op} as the kernel gives it; {@code pid} is the caller's. Returns 0 or -errno. */
  public int flock(String gfid, String path, String owner, int op, long pid) {
    Held before = flocks.get(owner);
    if ((op & LOCK_UN) != 0) {
      return before == null ? 0 : unlockFlock(owner, before);
    }
    Requests.FlockType want = (op & LOCK_EX) != 0 ? Requests.FlockType.EXCLUSIVE : Requests.FlockType.SHARED;
    int result = change(flock(gfid, owner, want), flock(gfid, owner, before != null ? before.type()
        : Requests.FlockType.UNLOCK), (op & LOCK_NB) == 0, pid);
    if (result == 0) {
      flocks.put(owner, new Held(gfid, path, want, List.of()));
    }
    return result;
  }

  private int unlockFlock(String owner, Held h) {
    int result = change(flock(h.gfid(), owner, Requests.FlockType.UNLOCK), h.request(owner), false, 0);
    flocks.remove(owner);
    return result;
  }

  /** F_SETLK and F_SETLKW: locks ({@code lock}) or unlocks {@code range} for {@code owner}. Returns 0 or -errno. */
  public int setlk(String gfid, String path, String owner, LockRange range, boolean lock, boolean wait, long pid) {
    Held before = records.getOrDefault(owner, Map.of()).get(gfid);
    List<LockRange> now = before == null ? List.of() : before.ranges();
    List<LockRange> next = LockRange.apply(now, range, lock);
    if (next.equals(now)) {
      return 0;
    }
    int result = change(records(gfid, owner, next), records(gfid, owner, now), wait, pid);
    if (result == 0) {
      if (next.isEmpty()) {
        records.computeIfPresent(owner, (o, files) -> {
          files.remove(gfid);
          return files.isEmpty() ? null : files;
        });
      } else {
        records.computeIfAbsent(owner, o -> new ConcurrentHashMap<>())
            .put(gfid, new Held(gfid, path, null, next));
      }
    }
    return result;
  }

  /** F_GETLK: the first lock of another owner in the way of {@code probe}, null if none. */
  public LockRange getlk(String gfid, String owner, LockRange probe) {
    List<BrickClient> live = rs.liveBricks();
    if (live.isEmpty()) {
      throw new BrickException(Errno.ENOTCONN, "no brick of the volume is reachable");
    }
    return rs.await(live.get(0).call(new Requests.ProbeRecordLock(gfid, owner, probe))).conflict();
  }

  /** Whether {@code owner} holds record locks in any file: the unlock at every close(2) is free when it does not. */
  public boolean holdsRecordLocks(String owner) {
    return records.containsKey(owner);
  }

  /** The file ID of the file {@code owner} record-locked as {@code path}, null if none: its name may be gone. */
  public String recordLocked(String owner, String path) {
    return records.getOrDefault(owner, Map.of()).values().stream().filter(h -> h.path().equals(path))
        .map(Held::gfid).findFirst().orElse(null);
  }

  /** The last close of a flocked file: its flock goes (sent, not waited for: close(2) has returned already). */
  public void released(String owner) {
    Held h = flocks.remove(owner);
    if (h != null) {
      Requests.Flock unlock = flock(h.gfid(), owner, Requests.FlockType.UNLOCK);
      rs.liveBricks().forEach(b -> b.call(unlock));
    }
  }

  /**
   * Sends {@code want} to every live brick until every one that answers grants it. Where another owner's lock is
   * in the way on some brick, the bricks that granted it get {@code before} back, and a waiting caller tries again.
   */
  private int change(BrickRequest<Replies.Done> want, BrickRequest<Replies.Done> before, boolean wait, long pid) {
    while (true) {
      List<BrickClient> bricks = rs.liveBricks();
      if (bricks.isEmpty()) {
        return -Errno.ENOTCONN.code;
      }
      List<Future<Replies.Done>> calls = bricks.stream().map(b -> b.call(want)).toList();
      try {
        rs.await(Future.join(calls).otherwiseEmpty());
      } catch (BrickException e) {
        // the calls tell which bricks answered
      }
      List<BrickClient> granted = new ArrayList<>();
      boolean busy = false;
      Errno failed = null;
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).succeeded()) {
          granted.add(bricks.get(i));
        } else if (calls.get(i).cause() instanceof BrickException e && e.errno() != Errno.ENOTCONN) {
          busy |= e.errno() == Errno.EAGAIN;
          failed = failed != null || e.errno() == Errno.EAGAIN ? failed : e.errno();
        }
      }
      if (failed == null && !busy && !granted.isEmpty()) {
        return 0;
      }
      granted.forEach(b -> b.call(before));
      if (failed != null || !busy) {
        return -(failed != null ? failed : Errno.ENOTCONN).code;
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

  private static Requests.Flock flock(String gfid, String owner, Requests.FlockType type) {
    return new Requests.Flock(gfid, owner, type, LEASE_MS);
  }

  private static Requests.RecordLocks records(String gfid, String owner, List<LockRange> ranges) {
    return new Requests.RecordLocks(gfid, owner, LEASE_MS, ranges);
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
