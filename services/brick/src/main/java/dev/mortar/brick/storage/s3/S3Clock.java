package dev.mortar.brick.storage.s3;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the epoch, as file times are kept. */
final class S3Clock {
  private S3Clock() {}

  static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
