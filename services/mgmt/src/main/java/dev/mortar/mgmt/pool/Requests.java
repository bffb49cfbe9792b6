package dev.mortar.mgmt.pool;

import dev.mortar.common.api.MortarException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/** Strict reading of request bodies: unknown fields and wrong types are refused with a message, never ignored. */
public final class Requests {
  private Requests() {}

  public static void onlyFields(JsonObject j, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>(j.fieldNames());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw MortarException.badRequest("unknown field(s) " + unknown + "; allowed: " + new TreeSet<>(allowed));
    }
  }

  public static String requiredString(JsonObject j, String field) {
    Object v = j.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw MortarException.badRequest("'" + field + "' is required and must be a non-empty string");
    }
    return s;
  }

  public static String optionalString(JsonObject j, String field, String def) {
    Object v = j.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw MortarException.badRequest("'" + field + "' must be a string");
    }
    return s;
  }

  public static int optionalInt(JsonObject j, String field, int def) {
    Object v = j.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() != ((Number) v).intValue()) {
      throw MortarException.badRequest("'" + field + "' must be a whole number");
    }
    return ((Number) v).intValue();
  }

  public static boolean optionalBoolean(JsonObject j, String field, boolean def) {
    Object v = j.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw MortarException.badRequest("'" + field + "' must be true or false");
    }
    return b;
  }
}
