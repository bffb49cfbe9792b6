package dev.mortar.client.fuse;

import java.time.Instant;

/** Wall-clock time in nanoseconds since the epoch, as file times are kept. */
final class Clock {
  private Clock() {}

  static long nanos() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
