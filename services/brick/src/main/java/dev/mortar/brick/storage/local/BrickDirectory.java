package dev.mortar.brick.storage.local;

import dev.mortar.common.api.MortarException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A brick's directory on local disk. The hidden {@code .mortar} directory holds the brick's private metadata;
 * {@code .mortar/volume-id} names the volume the brick belongs to, so that a directory is never silently made a
 * brick of two volumes (GlusterFS's {@code trusted.glusterfs.volume-id} xattr plays this role).
 * Blocking: call from a worker thread.
 */
public final class BrickDirectory {
  public static final String META_DIR = dev.mortar.common.brick.VolumePaths.META_DIR;
  private static final String VOLUME_ID_FILE = "volume-id";

  private BrickDirectory() {}

  /**
   * Checks that {@code path} can become a brick of volume {@code volumeId}: it is a writable directory, or can be
   * made one, and does not belong to another volume (unless {@code force}).
   */
  public static void check(Path path, String volumeId, boolean force, String brickName) {
    if (!path.isAbsolute() || path.getParent() == null) {
      throw MortarException.badRequest("brick " + brickName + ": the path must be absolute and not /");
    }
    if (Files.exists(path)) {
      if (!Files.isDirectory(path)) {
        throw MortarException.badRequest("brick " + brickName + " exists and is not a directory");
      }
      if (!Files.isWritable(path)) {
        throw MortarException.badRequest("brick " + brickName + " is not writable by the mortar node");
      }
      String owner = owner(path);
      if (owner != null && !owner.equals(volumeId) && !force) {
        throw MortarException.conflict("brick " + brickName + " is already part of a volume (id " + owner
            + ", perhaps deleted); use another directory, or add 'force' to reuse it");
      }
      return;
    }
    Path existing = path.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
      throw MortarException.badRequest("brick " + brickName + " cannot be created: " + existing
          + " is not a writable directory");
    }
  }

  /** Creates the brick directory if needed and marks it as a brick of {@code volumeId}. */
  public static void prepare(Path path, String volumeId) throws IOException {
    Path meta = path.resolve(META_DIR);
    Files.createDirectories(meta);
    Path idFile = meta.resolve(VOLUME_ID_FILE);
    String owner = owner(path);
    if (!volumeId.equals(owner)) {
      Files.writeString(idFile, volumeId, StandardCharsets.UTF_8);
    }
  }

  /** The volume ID a directory is marked with, or null. */
  static String owner(Path path) {
    Path idFile = path.resolve(META_DIR).resolve(VOLUME_ID_FILE);
    try {
      return Files.exists(idFile) ? Files.readString(idFile, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      return "unreadable";
    }
  }
}
