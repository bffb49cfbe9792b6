package dev.mortar.common.brick;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Paths within a volume, as clients, bricks and healers pass them: absolute, "/" the root, no trailing slash. */
public final class VolumePaths {
  public static final int MAX_NAME_BYTES = 255;
  public static final int MAX_PATH_BYTES = 4096;
  /** A brick's own metadata, in its root directory: no volume path may name it. */
  public static final String META_DIR = ".mortar";

  private VolumePaths() {}

  /**
   * The components of a volume path ({@code /} has none). Refuses relative paths, '.', '..', empty components,
   * NUL bytes, over-long names (ENAMETOOLONG), and the bricks' private metadata directory (EACCES). Bricks check
   * every path so; a mount checks a new name so before it makes the file later (at close), so that open(2) fails
   * as on a local disk.
   */
  public static List<String> components(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new BrickException(Errno.EINVAL, "'" + path + "': paths must be absolute within the volume");
    }
    if (path.indexOf('\0') >= 0) {
      throw new BrickException(Errno.EINVAL, "path contains a NUL byte");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new BrickException(Errno.ENAMETOOLONG, "path longer than " + MAX_PATH_BYTES + " bytes");
    }
    if (path.equals("/")) {
      return List.of();
    }
    List<String> parts = List.of(path.substring(1).split("/", -1));
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new BrickException(Errno.EINVAL, "'" + path + "': empty, '.' and '..' components are not allowed");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new BrickException(Errno.ENAMETOOLONG, "'" + part + "' is longer than " + MAX_NAME_BYTES + " bytes");
      }
    }
    if (parts.get(0).equals(META_DIR)) {
      throw new BrickException(Errno.EACCES, "'" + path + "' is reserved for the brick's own metadata");
    }
    return parts;
  }

  /** The directory of {@code path} ("/" for the root and its entries). */
  public static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  /** {@code name} in directory {@code dir}. */
  public static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /** Is {@code name} one entry of a directory (not empty, no slash, not "." or "..")? */
  public static boolean isName(String name) {
    return name != null && !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..");
  }
}
