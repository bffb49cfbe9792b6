package dev.mortar.brick.storage.s3;

import dev.mortar.common.brick.BrickException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background thread of a brick: periodic tasks (probe, compaction, the sweep) and delayed ones (deleting
 * dropped blocks). A task that fails is logged and runs again at its next turn; a store that is down only
 * postpones it.
 */
final class Maintenance implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Maintenance.class.getName());

  private final S3Location location;
  private volatile ScheduledExecutorService executor;

  Maintenance(S3Location location) {
    this.location = location;
  }

  /** Starts the thread; until then (while the brick loads, or for a read-only brick) nothing runs. */
  void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mortar-s3-" + location));
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  void every(String what, long periodMs, Runnable task) {
    executor.scheduleWithFixedDelay(quietly(what, task), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code task} once, {@code delayMs} from now; not at all before {@link #start}: what loading drops is left
   * to the sweep at open.
   */
  void later(String what, long delayMs, Runnable task) {
    ScheduledExecutorService e = executor;
    if (e != null) {
      e.schedule(quietly(what, task), delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private Runnable quietly(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (BrickException e) {
        LOG.fine("brick " + location + ": " + what + " postponed: " + e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "brick " + location + ": " + what + " failed; tried again later", e);
      }
    };
  }

  @Override
  public void close() {
    ScheduledExecutorService e = executor;
    if (e != null) {
      e.shutdownNow();
    }
  }
}
