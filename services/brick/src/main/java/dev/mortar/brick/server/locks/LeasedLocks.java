package dev.mortar.brick.server.locks;

import dev.mortar.common.config.BrickTunables;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Programs' locks a brick keeps for the mounts ({@link Flocks}, {@link RecordLocks}): per file ID, per owner, what
 * the owner holds, with a lease its mount renews, so that a mount that dies or is cut off holding one blocks the
 * others for at most a lease. In memory, used on the brick's event loop only.
 */
final class LeasedLocks<V> {
  private static final Logger LOG = Logger.getLogger(LeasedLocks.class.getName());

  private final Vertx vertx;
  private final String kind;
  private final long minLeaseMs = BrickTunables.PROGRAM_LOCK_MIN_LEASE_MS.get();
  private final long maxLeaseMs = BrickTunables.PROGRAM_LOCK_MAX_LEASE_MS.get();
  private final Map<String, Map<String, Leased<V>>> files = new HashMap<>();

  private record Leased<V>(V held, long leaseTimer) {}

  /** @param kind what these locks are, for the log */
  LeasedLocks(Vertx vertx, String kind) {
    this.vertx = vertx;
    this.kind = kind;
  }

  /** What every owner holds in the file. */
  Map<String, V> holders(String gfid) {
    Map<String, V> out = new HashMap<>();
    files.getOrDefault(gfid, Map.of()).forEach((owner, l) -> out.put(owner, l.held()));
    return out;
  }

  /** {@code owner} holds {@code held} in the file from now on, for the lease asked (within bounds) unless renewed. */
  void put(String gfid, String owner, V held, long askedLeaseMs) {
    long leaseMs = Math.min(maxLeaseMs, Math.max(minLeaseMs, askedLeaseMs));
    drop(gfid, owner, -1);
    long[] timer = new long[1];
    timer[0] = vertx.setTimer(leaseMs, t -> {
      if (drop(gfid, owner, timer[0])) {
        LOG.warning(kind + " of file " + gfid + " held by " + owner + " expired after " + leaseMs + " ms (its mount"
            + " stopped renewing it: dead or cut off)");
      }
    });
    files.computeIfAbsent(gfid, k -> new HashMap<>()).put(owner, new Leased<>(held, timer[0]));
  }

  /** {@code owner} holds nothing in the file any more. */
  void drop(String gfid, String owner) {
    drop(gfid, owner, -1);
  }

  /** Drops {@code owner}'s entry ({@code onlyTimer}: only if that lease timer is still its own). */
  private boolean drop(String gfid, String owner, long onlyTimer) {
    Map<String, Leased<V>> owners = files.get(gfid);
    Leased<V> held = owners == null ? null : owners.get(owner);
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
