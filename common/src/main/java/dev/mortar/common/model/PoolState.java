package dev.mortar.common.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Everything the management service keeps about the pool, identical on every member once changes have spread.
 * Each change raises {@code generation} by one; a node that sees a higher generation elsewhere adopts that state.
 * Changes need a majority of the pool, so two sides of a partition can never both advance it.
 *
 * @param poolId  names the pool; also the Hazelcast cluster name, so two pools never merge
 * @param members every node of the pool, this one included
 */
public record PoolState(String poolId, long generation, List<Peer> members, List<Volume> volumes) {

  public PoolState {
    members = List.copyOf(members);
    volumes = List.copyOf(volumes);
  }

  /** A pool of one: what a node starts with, and what a detached node goes back to. */
  public static PoolState alone(Peer self) {
    return new PoolState(UUID.randomUUID().toString(), 0, List.of(self), List.of());
  }

  public Optional<Peer> member(String uuid) {
    return members.stream().filter(p -> p.uuid().equals(uuid)).findFirst();
  }

  public Optional<Volume> volume(String name) {
    return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The next generation with the given members and volumes. */
  public PoolState next(List<Peer> newMembers, List<Volume> newVolumes) {
    return new PoolState(poolId, generation + 1, newMembers, newVolumes);
  }

  public PoolState nextWithVolumes(UnaryOperator<List<Volume>> change) {
    return next(members, change.apply(new ArrayList<>(volumes)));
  }

  public JsonObject toJson() {
    JsonArray m = new JsonArray();
    members.forEach(p -> m.add(p.toJson()));
    JsonArray v = new JsonArray();
    volumes.forEach(x -> v.add(x.toJson()));
    return new JsonObject().put("poolId", poolId).put("generation", generation).put("members", m).put("volumes", v);
  }

  public static PoolState fromJson(JsonObject j) {
    List<Peer> members = new ArrayList<>();
    j.getJsonArray("members").forEach(o -> members.add(Peer.fromJson((JsonObject) o)));
    List<Volume> volumes = new ArrayList<>();
    j.getJsonArray("volumes").forEach(o -> volumes.add(Volume.fromJson((JsonObject) o)));
    return new PoolState(j.getString("poolId"), j.getLong("generation"), members, volumes);
  }
}
