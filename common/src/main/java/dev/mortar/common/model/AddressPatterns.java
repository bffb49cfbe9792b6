package dev.mortar.common.model;

import dev.mortar.common.api.MortarException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The value of {@code auth.allow}: the addresses mounts may come from, comma separated, each {@code *} (anyone), an
 * address with {@code *} and {@code ?} wildcards ({@code 192.168.1.*}, as GlusterFS takes them) or a CIDR block
 * ({@code 10.0.0.0/8}). Host names are refused when the option is set: resolving them at every mount would make a
 * mount wait for DNS, and a name that resolves elsewhere later would let other machines in.
 */
public final class AddressPatterns {
  private static final Pattern WILDCARD = Pattern.compile("[0-9a-fA-F.:*?]+");
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F.:]+");

  private AddressPatterns() {}

  /** Checks a value given to {@code volume set}; the entries trimmed, joined with commas. */
  public static String normalise(String key, String value) {
    List<String> entries = new ArrayList<>();
    for (String raw : value.split(",", -1)) {
      String e = raw.trim();
      if (e.isEmpty()) {
        throw MortarException.badRequest("option " + key + ": an empty entry in '" + value + "'");
      }
      int slash = e.indexOf('/');
      boolean ok = slash < 0 ? WILDCARD.matcher(e).matches() : cidr(e) != null;
      if (!ok) {
        throw MortarException.badRequest("option " + key + ": '" + e + "' is not an address pattern; use"
            + " addresses with * and ? wildcards (192.168.1.*) or CIDR blocks (10.0.0.0/8); host names are not"
            + " resolved");
      }
      entries.add(e);
    }
    return String.join(",", entries);
  }

  /** Does {@code patterns} (a normalised value) let {@code address} (a literal address) in? */
  public static boolean allows(String patterns, String address) {
    for (String e : patterns.split(",")) {
      if (e.indexOf('/') >= 0 ? inBlock(cidr(e), address) : glob(e).matcher(address).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern glob(String wildcard) {
    StringBuilder re = new StringBuilder();
    for (char c : wildcard.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE);
  }

  private record Block(byte[] network, int bits) {}

  /** A CIDR block, or null where {@code e} is not one. Only literal addresses: nothing is looked up. */
  private static Block cidr(String e) {
    String[] parts = e.split("/", -1);
    if (parts.length != 2 || !LITERAL.matcher(parts[0]).matches() || !parts[1].matches("[0-9]{1,3}")) {
      return null;
    }
    byte[] net = literal(parts[0]);
    int bits = Integer.parseInt(parts[1]);
    return net == null || bits > net.length * 8 ? null : new Block(net, bits);
  }

  private static boolean inBlock(Block b, String address) {
    byte[] a = LITERAL.matcher(address).matches() ? literal(address) : null;
    if (b == null || a == null || a.length != b.network().length) {
      return false;
    }
    int shift = a.length * 8 - b.bits();
    return new BigInteger(1, a).shiftRight(shift).equals(new BigInteger(1, b.network()).shiftRight(shift));
  }

  /** The bytes of a literal address (checked to be one first, so that no name is resolved), or null. */
  private static byte[] literal(String s) {
    if (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
