package dev.mortar.common.api;

import io.vertx.core.json.JsonObject;

/**
 * What every node publishes on {@link Addresses#EVENTS_HEARTBEAT}. It proves event-bus delivery from that node
 * (peer status is derived from it) and carries the pool generation so that a node that was away notices it is behind.
 */
/**
 * @param clusterNode the sender's Vert.x cluster node ID, to check that it is also in our cluster view
 */
public record Heartbeat(String node, String clusterNode, String poolId, long generation) {
  public static final long INTERVAL_MS = 1000;
  /** A peer not heard from for this long is Disconnected (shown within 5 s of a cut, as promised). */
  public static final long TIMEOUT_MS = 3000;

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("clusterNode", clusterNode).put("poolId", poolId).put("generation", generation);
  }

  public static Heartbeat fromJson(JsonObject j) {
    return new Heartbeat(j.getString("node"), j.getString("clusterNode"), j.getString("poolId"),
        j.getLong("generation", 0L));
  }
}
