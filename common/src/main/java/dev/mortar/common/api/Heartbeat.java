package dev.mortar.common.api;

import io.vertx.core.json.JsonObject;

/**
 * What every node publishes on {@link Addresses#EVENTS_HEARTBEAT}. It proves event-bus delivery from that node
 * (peer status is derived from it) and carries the pool generation so that a node that was away notices it is behind.
 */
public record Heartbeat(String node, String poolId, long generation, long pid) {
  public static final long INTERVAL_MS = 1000;
  /** A peer not heard from for this long is Disconnected (shown within 5 s of a cut, as promised). */
  public static final long TIMEOUT_MS = 3000;

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("poolId", poolId).put("generation", generation).put("pid", pid);
  }

  public static Heartbeat fromJson(JsonObject j) {
    return new Heartbeat(j.getString("node"), j.getString("poolId"), j.getLong("generation", 0L),
        j.getLong("pid", 0L));
  }
}
