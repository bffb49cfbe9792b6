package dev.mortar.brick;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.storage.local.BrickDirectory;
import dev.mortar.brick.storage.local.LocalDiskStorage;
import dev.mortar.brick.storage.s3.S3BrickStorage;
import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3Location;
import dev.mortar.brick.storage.s3.S3Store;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens and checks a brick by its location: {@code s3://BUCKET/PREFIX} is a brick in an object store (with the
 * node's S3 settings), anything else a directory on local disk. Blocking: call from a worker thread.
 */
public final class BrickStorages {
  private BrickStorages() {}

  /** The brick's storage, ready to serve; marks it as a brick of {@code volumeId}. */
  public static BrickStorage open(String location, String volumeId, S3Config s3, MeterRegistry registry,
                                  String volumeName, String brickName) throws IOException {
    if (S3Location.isS3(location)) {
      return S3BrickStorage.open(store(location, s3, registry, volumeName, brickName), volumeId);
    }
    Path dir = Path.of(location);
    BrickDirectory.prepare(dir, volumeId);
    return LocalDiskStorage.open(dir);
  }

  /**
   * Whether {@code location} can become a brick of {@code volumeId} on this node (see {@link BrickDirectory#check});
   * for S3: the node has an object store configured, it answers, and the prefix is not another volume's brick.
   */
  public static void check(String location, String volumeId, boolean force, String brickName, S3Config s3,
                           MeterRegistry registry) {
    if (!S3Location.isS3(location)) {
      BrickDirectory.check(Path.of(location), volumeId, force, brickName);
      return;
    }
    S3Store store;
    try {
      store = store(location, s3, registry, "-", brickName);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw MortarException.badRequest(e.getMessage());
    }
    try {
      store.ensureBucket();
      String owner = S3BrickStorage.owner(store);
      if (owner != null && !owner.equals(volumeId) && !force) {
        throw MortarException.conflict("brick " + brickName + " is already part of a volume (id " + owner
            + ", perhaps deleted); use another prefix, or add 'force' to reuse it");
      }
    } catch (BrickException e) {
      throw e.errno() == Errno.ENOTCONN ? MortarException.unavailable(e.getMessage()
          + "; check the node's " + dev.mortar.common.config.Setting.S3_ENDPOINT.flag() + " setting")
          : MortarException.badRequest(e.getMessage());
    }
  }

  private static S3Store store(String location, S3Config s3, MeterRegistry registry, String volumeName,
                               String brickName) {
    S3Location where = S3Location.parse(location);
    if (s3 == null) {
      throw new IllegalStateException("brick " + brickName + " is on S3 but no S3 settings were given");
    }
    s3.requireConfigured(brickName);
    return new S3Store(s3, where, registry, volumeName, brickName);
  }
}
