package dev.mortar.common.brick;

/** Paths within a volume, as clients, bricks and healers pass them: absolute, "/" the root, no trailing slash. */
public final class VolumePaths {
  private VolumePaths() {}

  /** {@code name} in directory {@code dir}. */
  public static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /** Is {@code name} one entry of a directory (not empty, no slash, not "." or "..")? */
  public static boolean isName(String name) {
    return name != null && !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..");
  }
}
