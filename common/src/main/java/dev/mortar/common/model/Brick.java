package dev.mortar.common.model;

import io.vertx.core.json.JsonObject;

/**
 * One copy of a volume's files: a directory on one node.
 *
 * @param host     the host as written in {@code volume create} (shown by {@code volume info})
 * @param path     absolute, normalised path on that host
 * @param nodeUuid the pool member that serves it
 * @param arbiter  true for an arbiter brick (names and versions, no file data)
 */
public record Brick(String host, String path, String nodeUuid, boolean arbiter) {
  /** GlusterFS's name for a brick: {@code host:/path}. */
  public String name() {
    return host + ":" + path;
  }

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("path", path).put("nodeUuid", nodeUuid).put("arbiter", arbiter)
        .put("name", name());
  }

  public static Brick fromJson(JsonObject j) {
    return new Brick(j.getString("host"), j.getString("path"), j.getString("nodeUuid"), j.getBoolean("arbiter", false));
  }
}
