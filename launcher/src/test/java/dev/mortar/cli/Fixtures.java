package dev.mortar.cli;

import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin API answers describing the pool of the gluster reference capture (n1, n2, n3 and the volumes my-volume,
 * vol3, volarb), so that formatting them must give the captured text. Volumes are made with the shared model's own
 * {@code toJson}, the code the node answers with.
 */
public final class Fixtures {
  public static final String N1 = "b3d1f64f-cd41-4ed2-825d-4efd0d46a1fa";
  public static final String N2 = "c36743ec-33cd-4751-b32a-31466ad5aebf";
  public static final String N3 = "5336734d-b438-4ef8-b5b7-f57c471cceb5";

  private Fixtures() {}

  /** The options gluster 10 sets on every new volume, in the order its volume info lists them. */
  public static Map<String, String> glusterOptions() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("cluster.granular-entry-heal", "on");
    o.put("storage.fips-mode-rchecksum", "on");
    o.put("transport.address-family", "inet");
    o.put("nfs.disable", "on");
    o.put("performance.client-io-threads", "off");
    return o;
  }

  public static JsonObject myVolume(VolumeStatus status) {
    return new Volume("my-volume", "2a6b79de-64ae-460f-a19f-1f029834808d", status, 2, 0, "tcp",
        List.of(brick("n1", "/srv/brick", N1, false), brick("n2", "/srv/brick", N2, false)), glusterOptions())
        .toJson();
  }

  public static JsonObject vol3() {
    return new Volume("vol3", "f2fbd23c-df31-44ce-8d11-0c43b93467c8", VolumeStatus.Started, 3, 0, "tcp",
        List.of(brick("n1", "/srv/b3", N1, false), brick("n2", "/srv/b3", N2, false),
            brick("n3", "/srv/b3", N3, false)), glusterOptions()).toJson();
  }

  public static JsonObject volarb() {
    return new Volume("volarb", "f6d6c1c4-c0eb-4440-b141-8896f1f9745d", VolumeStatus.Started, 3, 1, "tcp",
        List.of(brick("n1", "/srv/ba", N1, false), brick("n2", "/srv/ba", N2, false),
            brick("n3", "/srv/ba-arbiter", N3, true)), glusterOptions()).toJson();
  }

  public static JsonObject volumes(JsonObject... volumes) {
    return new JsonObject().put("volumes", new JsonArray(List.of((Object[]) volumes)));
  }

  /** {@code GET /peers} as seen from n1. */
  public static JsonObject peers(boolean n2Connected) {
    return new JsonObject().put("peers", new JsonArray()
        .add(peer(N2, "n2", n2Connected).put("state", "Peer in Cluster"))
        .add(peer(N3, "n3", true).put("state", "Peer in Cluster")));
  }

  /** {@code GET /pool} as seen from n1: peers, then this node as localhost. */
  public static JsonObject pool(boolean n2Connected) {
    return new JsonObject().put("pool", new JsonArray()
        .add(peer(N2, "n2", n2Connected)).add(peer(N3, "n3", true)).add(peer(N1, "localhost", true)));
  }

  /** {@code GET /volumes/my-volume/status} with everything up. */
  public static JsonObject myVolumeStatus() {
    return status("my-volume",
        new JsonArray().add(brickStatus("n1", "/srv/brick", 56175, 21720))
            .add(brickStatus("n2", "/srv/brick", 50457, 21747)),
        new JsonArray().add(healer("localhost", 21737)).add(healer("n2", 21776)).add(healer("n3", 21761)));
  }

  public static JsonObject status(String volume, JsonArray bricks, JsonArray healers) {
    return new JsonObject().put("name", volume).put("status", "Started").put("bricks", bricks)
        .put("healers", healers).put("tasks", new JsonArray());
  }

  public static JsonObject brickStatus(String host, String path, int port, int pid) {
    return new JsonObject().put("name", host + ":" + path).put("host", host).put("path", path)
        .put("nodeUuid", N1).put("online", true).put("port", port).put("pid", pid);
  }

  public static JsonObject healer(String host, int pid) {
    return new JsonObject().put("host", host).put("online", true).put("pid", pid);
  }

  private static Brick brick(String host, String path, String uuid, boolean arbiter) {
    return new Brick(host, path, uuid, arbiter);
  }

  private static JsonObject peer(String uuid, String hostname, boolean connected) {
    return new JsonObject().put("uuid", uuid).put("hostname", hostname).put("connected", connected);
  }
}
