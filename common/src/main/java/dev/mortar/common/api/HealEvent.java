package dev.mortar.common.api;

import io.vertx.core.json.JsonObject;

/**
 * Asks every node's healer to sweep its heal index now rather than at the next tick. Published on
 * {@link Addresses#EVENTS_HEAL} when a brick comes online, a peer comes back or someone runs {@code volume heal VOL}.
 *
 * @param volumeId the volume to heal, or null for every volume
 * @param reason   what happened, for the healer's log
 */
public record HealEvent(String volumeId, String reason) {
  public JsonObject toJson() {
    return new JsonObject().put("volumeId", volumeId).put("reason", reason);
  }

  public static HealEvent fromJson(JsonObject j) {
    return new HealEvent(j.getString("volumeId"), j.getString("reason", ""));
  }
}
