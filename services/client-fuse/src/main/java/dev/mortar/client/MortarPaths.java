package dev.mortar.client;

/** Paths as FUSE gives them: absolute within the volume, "/" the root, no trailing slash. */
final class MortarPaths {
  private MortarPaths() {}

  static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
