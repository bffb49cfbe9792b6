package dev.mortar.common.brick;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file's replication metadata on one brick (GlusterFS keeps the same in trusted.gfid and trusted.afr.* xattrs).
 *
 * @param gfid        stable file ID, the same on every brick of the replica set
 * @param dirty       writes begun on this brick and not yet confirmed: non-zero means this copy may be torn
 * @param dataVersion count of data changes applied here
 * @param metaVersion count of attribute changes applied here
 * @param pending     per brick index: changes this brick has that that brick missed (this brick blames it)
 */
public record FileMeta(String gfid, long dirty, long dataVersion, long metaVersion, Map<Integer, Long> pending) {
  public FileMeta {
    pending = Map.copyOf(pending);
  }

  /** Nothing to heal: no write in flight and nobody blamed. */
  public boolean clean() {
    return dirty == 0 && pending.values().stream().allMatch(v -> v == 0);
  }

  public JsonObject toJson() {
    JsonObject p = new JsonObject();
    new TreeMap<>(pending).forEach((k, v) -> p.put(String.valueOf(k), v));
    return new JsonObject().put("gfid", gfid).put("dirty", dirty).put("dataVersion", dataVersion)
        .put("metaVersion", metaVersion).put("pending", p);
  }

  public static FileMeta fromJson(JsonObject j) {
    Map<Integer, Long> p = new TreeMap<>();
    j.getJsonObject("pending", new JsonObject()).forEach(e -> p.put(Integer.parseInt(e.getKey()),
        ((Number) e.getValue()).longValue()));
    return new FileMeta(j.getString("gfid"), j.getLong("dirty", 0L), j.getLong("dataVersion", 0L),
        j.getLong("metaVersion", 0L), p);
  }
}
