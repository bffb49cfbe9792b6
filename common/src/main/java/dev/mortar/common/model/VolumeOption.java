package dev.mortar.common.model;

import dev.mortar.common.api.MortarException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One volume option: its GlusterFS key where the meaning is the same, its default (which may depend on the volume,
 * as {@code cluster.quorum-type} does), and how a value is checked and normalised.
 */
public record VolumeOption(String key, Function<Volume, String> defaultValue, Kind kind, List<String> choices,
                           long min, long max, String description) {

  public enum Kind { CHOICE, BOOLEAN, INTEGER, TEXT, ADDRESSES }

  private static final List<String> TRUE_WORDS = List.of("on", "true", "yes", "enable", "1");
  private static final List<String> FALSE_WORDS = List.of("off", "false", "no", "disable", "0");

  public static VolumeOption choice(String key, Function<Volume, String> def, String description, String... choices) {
    return new VolumeOption(key, def, Kind.CHOICE, List.of(choices), 0, 0, description);
  }

  public static VolumeOption bool(String key, String def, String description) {
    return new VolumeOption(key, v -> def, Kind.BOOLEAN, List.of(), 0, 0, description);
  }

  public static VolumeOption integer(String key, Function<Volume, String> def, long min, long max, String description) {
    return new VolumeOption(key, def, Kind.INTEGER, List.of(), min, max, description);
  }

  public static VolumeOption text(String key, String def, String description) {
    return new VolumeOption(key, v -> def, Kind.TEXT, List.of(), 0, 0, description);
  }

  /** Addresses with wildcards or CIDR blocks, comma separated ({@link AddressPatterns}). */
  public static VolumeOption addresses(String key, String def, String description) {
    return new VolumeOption(key, v -> def, Kind.ADDRESSES, List.of(), 0, 0, description);
  }

  /** Checks a value given to {@code volume set} and returns the form that is stored. */
  public String normalise(String value) {
    String v = value.trim();
    switch (kind) {
      case CHOICE -> {
        String lower = v.toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
          throw MortarException.badRequest("option " + key + ": '" + value + "' is not valid; use one of "
              + String.join(", ", choices));
        }
        return lower;
      }
      case BOOLEAN -> {
        String lower = v.toLowerCase(Locale.ROOT);
        if (TRUE_WORDS.contains(lower)) {
          return "on";
        }
        if (FALSE_WORDS.contains(lower)) {
          return "off";
        }
        throw MortarException.badRequest("option " + key + ": '" + value + "' is not a boolean; use on or off");
      }
      case INTEGER -> {
        long n;
        try {
          n = Long.parseLong(v);
        } catch (NumberFormatException e) {
          throw MortarException.badRequest("option " + key + ": '" + value + "' is not a whole number");
        }
        if (n < min || n > max) {
          throw MortarException.badRequest("option " + key + ": " + n + " is out of range; use " + min + " to " + max);
        }
        return Long.toString(n);
      }
      case ADDRESSES -> {
        return AddressPatterns.normalise(key, v);
      }
      default -> {
        if (v.isEmpty()) {
          throw MortarException.badRequest("option " + key + ": the value must not be empty");
        }
        return v;
      }
    }
  }
}
