package dev.mortar.client.replication;

/** Paths as FUSE gives them: absolute within the volume, "/" the root, no trailing slash. */
public final class MortarPaths {
  private MortarPaths() {}

  public static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
