package dev.mortar.brick;

import dev.mortar.common.brick.BrickFields;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
  private static final long MIN_LEASE_MS = 1_000;
  private static final long MAX_LEASE_MS = 60_000;

  private final Vertx vertx;
  private final String kind;
  private final Map<String, Map<String, Leased<V>>> files = new HashMap<>();

  private record Leased<V>(V held, long leaseTimer) {}

  /** @param kind what these locks are, for the log */
  LeasedLocks(Vertx vertx, String kind) {
    this.vertx = vertx;
    this.kind = kind;
  }

  /** The lease a lock request asks for, within bounds. */
  static long lease(JsonObject h) {
    return Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, h.getLong(BrickFields.LEASE, 10_000L)));
  }

  /** What every owner holds in the file. */
  Map<String, V> holders(String gfid) {
    Map<String, V> out = new HashMap<>();
    files.getOrDefault(gfid, Map.of()).forEach((owner, l) -> out.put(owner, l.held()));
    return out;
  }

  /** {@code owner} holds {@code held} in the file from now on, for {@code leaseMs} unless renewed. */
  void put(String gfid, String owner, V held, long leaseMs) {
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
