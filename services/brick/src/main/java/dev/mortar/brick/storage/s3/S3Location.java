package dev.mortar.brick.storage.s3;

import java.util.regex.Pattern;

/**
 * The bucket and key prefix of an object-backed brick, written {@code s3://BUCKET/PREFIX} in {@code volume create}
 * ({@code HOST:s3://BUCKET/PREFIX}). Every object of the brick has a key under {@code PREFIX/}.
 */
public record S3Location(String bucket, String prefix) {
  public static final String SCHEME = "s3://";
  /** S3's bucket naming rules (lower case, digits, '-' and '.', 3 to 63 characters). */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

  public static boolean isS3(String location) {
    return location != null && location.startsWith(SCHEME);
  }

  /** Parses and checks {@code s3://BUCKET/PREFIX}; the message of a refusal says what a good one looks like. */
  public static S3Location parse(String location) {
    if (!isS3(location)) {
      throw new IllegalArgumentException("'" + location + "' is not an S3 location (s3://BUCKET/PREFIX)");
    }
    String rest = location.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("'" + location + "': bucket '" + bucket + "' is not a valid bucket name"
          + " (3-63 lower-case letters, digits, '-' or '.')");
    }
    if (!PREFIX.matcher(prefix).matches() || prefix.contains("/./") || prefix.contains("/../")
        || prefix.equals(".") || prefix.equals("..") || prefix.startsWith("./") || prefix.startsWith("../")) {
      throw new IllegalArgumentException("'" + location + "': give a prefix for the brick's objects, made of"
          + " letters, digits, '.', '-', '_' and '/', e.g. s3://" + bucket + "/brick1");
    }
    return new S3Location(bucket, prefix);
  }

  /** The key of an object of this brick. */
  String key(String relative) {
    return prefix + "/" + relative;
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + prefix;
  }
}
