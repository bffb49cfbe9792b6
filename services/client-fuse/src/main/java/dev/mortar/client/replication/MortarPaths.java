package dev.mortar.client.replication;

import dev.mortar.common.brick.VolumePaths;

/** Paths as FUSE gives them: absolute within the volume, "/" the root, no trailing slash. */
public final class MortarPaths {
  private MortarPaths() {}

  public static String parent(String path) {
    return VolumePaths.parent(path);
  }

  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
