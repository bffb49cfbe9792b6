package dev.mortar.common.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A volume definition as every peer stores it.
 *
 * @param replica the number of bricks in each replica set, arbiter included (GlusterFS's {@code replica 3 arbiter 1})
 * @param arbiter 1 when the last brick of each replica set is an arbiter
 * @param options the options set with {@code volume set}; defaults are not stored
 */
public record Volume(String name, String id, VolumeStatus status, int replica, int arbiter, String transport,
                     List<Brick> bricks, Map<String, String> options) {

  public Volume {
    bricks = List.copyOf(bricks);
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  public Volume withStatus(VolumeStatus s) {
    return new Volume(name, id, s, replica, arbiter, transport, bricks, options);
  }

  public Volume withOptions(Map<String, String> o) {
    return new Volume(name, id, status, replica, arbiter, transport, bricks, o);
  }

  /** Number of replica sets (GlusterFS's distribute count). */
  public int replicaSets() {
    return bricks.size() / replica;
  }

  /** GlusterFS's volume type word. */
  public String typeName() {
    if (replica == 1) {
      return "Distribute";
    }
    return replicaSets() > 1 ? "Distributed-Replicate" : "Replicate";
  }

  /** GlusterFS's "Number of Bricks" line: {@code 1 x 2 = 2} or {@code 1 x (2 + 1) = 3}. */
  public String brickCountText() {
    String perSet = arbiter > 0 ? "(" + (replica - arbiter) + " + " + arbiter + ")" : String.valueOf(replica);
    return replicaSets() + " x " + perSet + " = " + bricks.size();
  }

  public JsonObject toJson() {
    JsonArray b = new JsonArray();
    bricks.forEach(x -> b.add(x.toJson()));
    return new JsonObject().put("name", name).put("id", id).put("status", status.name()).put("type", typeName())
        .put("replica", replica).put("arbiter", arbiter).put("transport", transport)
        .put("brickCount", brickCountText()).put("bricks", b).put("options", new JsonObject(new LinkedHashMap<>(options)));
  }

  public static Volume fromJson(JsonObject j) {
    List<Brick> bricks = new ArrayList<>();
    j.getJsonArray("bricks").forEach(o -> bricks.add(Brick.fromJson((JsonObject) o)));
    Map<String, String> options = new LinkedHashMap<>();
    j.getJsonObject("options", new JsonObject()).forEach(e -> options.put(e.getKey(), String.valueOf(e.getValue())));
    return new Volume(j.getString("name"), j.getString("id"), VolumeStatus.valueOf(j.getString("status")),
        j.getInteger("replica"), j.getInteger("arbiter", 0), j.getString("transport", "tcp"), bricks, options);
  }
}
