package dev.mortar.common.model;

import io.vertx.core.json.JsonObject;

/**
 * A member of the trusted pool (this node included).
 *
 * @param uuid        the node's UUID, made once and kept in its state directory
 * @param hostname    the name the pool knows it by (the name it was probed with, or the host it advertises)
 * @param adminPort   its HTTP admin port
 * @param clusterPort its Hazelcast port, used to build the cluster join list
 */
public record Peer(String uuid, String hostname, int adminPort, int clusterPort) {
  public JsonObject toJson() {
    return new JsonObject().put("uuid", uuid).put("hostname", hostname).put("adminPort", adminPort)
        .put("clusterPort", clusterPort);
  }

  public static Peer fromJson(JsonObject j) {
    return new Peer(j.getString("uuid"), j.getString("hostname"), j.getInteger("adminPort"),
        j.getInteger("clusterPort"));
  }
}
