package dev.mortar.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waits for a condition with a deadline, polling every 150 ms; no fixed sleeps. */
final class Eventually {
  private static final long POLL_MS = 150;

  private Eventually() {}

  /** A value that satisfied the condition and how long after the start it was seen. */
  record Timed<T>(T value, Duration elapsed) {}

  /** Polls from now. */
  static <T> Timed<T> await(String what, Duration limit, Callable<T> probe, Predicate<T> done) {
    return await(what, System.nanoTime(), limit, probe, done);
  }

  /**
   * Polls {@code probe} until {@code done} holds for its value. The elapsed time is counted from {@code startNanos}
   * (a {@link System#nanoTime()} taken when the event happened) to the end of the probe that saw the condition, so
   * it is an upper bound. Fails when the condition is not seen within {@code limit} of the start.
   */
  static <T> Timed<T> await(String what, long startNanos, Duration limit, Callable<T> probe, Predicate<T> done) {
    Object last = "(not probed)";
    while (true) {
      T value = null;
      boolean ok = false;
      try {
        value = probe.call();
        last = value;
        ok = done.test(value);
      } catch (AssertionError | Exception e) {
        last = e;
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
      if (ok) {
        if (elapsed.compareTo(limit) > 0) {
          throw new AssertionError(what + ": seen only after " + seconds(elapsed) + ", the limit is "
              + seconds(limit) + "; what was seen:\n" + last);
        }
        return new Timed<>(value, elapsed);
      }
      if (elapsed.compareTo(limit) >= 0) {
        throw new AssertionError(what + ": not seen within " + seconds(limit) + "; last seen:\n" + last);
      }
      try {
        Thread.sleep(Math.max(1, Math.min(POLL_MS, limit.minus(elapsed).toMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  static String seconds(Duration d) {
    return String.format("%.2f s", d.toMillis() / 1000.0);
  }
}
