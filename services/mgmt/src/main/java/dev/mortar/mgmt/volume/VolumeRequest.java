package dev.mortar.mgmt.volume;

import dev.mortar.common.api.MortarException;
import dev.mortar.mgmt.pool.Requests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A {@code volume create} request as the admin API receives it, checked for shape only. */
public record VolumeRequest(String name, int replica, int arbiter, String transport, List<String> bricks,
                            boolean force) {
  private static final Set<String> FIELDS = Set.of("name", "replica", "arbiter", "transport", "bricks", "force");

  public static VolumeRequest fromJson(JsonObject j) {
    Requests.onlyFields(j, FIELDS);
    String name = Requests.requiredString(j, "name");
    int replica = Requests.optionalInt(j, "replica", 1);
    int arbiter = Requests.optionalInt(j, "arbiter", 0);
    String transport = Requests.optionalString(j, "transport", "tcp");
    Object b = j.getValue("bricks");
    if (!(b instanceof JsonArray arr) || arr.isEmpty()) {
      throw MortarException.badRequest("'bricks' must be a non-empty list of HOST:/PATH");
    }
    List<String> bricks = new ArrayList<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        throw MortarException.badRequest("'bricks' must contain strings of the form HOST:/PATH");
      }
      bricks.add(s);
    }
    return new VolumeRequest(name, replica, arbiter, transport, bricks, Requests.optionalBoolean(j, "force", false));
  }
}
