package dev.mortar.client.replication;

import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Unlink-behind, as CephFS's asynchronous unlinks: an unlink is answered once it is queued, and the bricks answer
 * later. Per directory one request is on its way at a time; names unlinked meanwhile wait for its answer and then go
 * together, in one {@link Requests.UnlinkMany} per brick. So {@code rm -rf} of a big directory costs each brick a
 * request per round trip, not one per file. Whatever touches a name waits for its unlink first ({@link #await}). A
 * name no brick unlinked stays: that is logged and counted; a brick that failed where another did not is blamed on
 * the directory, as for any change it missed.
 */
public final class UnlinksBehind {
  private static final Logger LOG = Logger.getLogger(UnlinksBehind.class.getName());
  /** Unlinks queued or on their way, at most: the next waits for one to end. */
  static final int MAX = ClientTunables.UNLINKS_BEHIND.getInt();

  private final ReplicaSet rs;
  private final Counter failures;
  /** Unlinks queued or on their way, by path: completed once the bricks answered. */
  private final Map<String, Promise<Void>> pending = new ConcurrentHashMap<>();
  /** Directories with a request on its way, and the names queued behind it. Guarded by this. */
  private final Map<String, List<String>> queued = new HashMap<>();
  /** Told each directory whose unlinks the bricks answered, and the directory as they left it (or null). */
  private volatile BiConsumer<String, Attr> answered = (dir, attr) -> { };

  public UnlinksBehind(ReplicaSet rs, MeterRegistry registry) {
    this.rs = rs;
    this.failures = Counter.builder("mortar_client_unlink_behind_failures_total").description(
        "Unlinks acknowledged to the program that no brick then took (the file stays; the mount's log says why)")
        .register(registry);
  }

  /** Queues the unlink of {@code path}, or sends it if nothing is on its way for its directory. Blocking. */
  public void unlink(String path) {
    String dir = MortarPaths.parent(path);
    boolean sendNow;
    synchronized (this) {
      while (pending.size() >= MAX) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BrickException(Errno.EINTR, "unlink " + path + " interrupted");
        }
      }
      pending.put(path, Promise.promise());
      List<String> behind = queued.get(dir);
      sendNow = behind == null;
      if (sendNow) {
        queued.put(dir, new ArrayList<>());
      } else {
        behind.add(MortarPaths.name(path));
      }
    }
    if (sendNow) {
      send(dir, List.of(MortarPaths.name(path)));
    }
  }

  /**
   * Tells {@code then} of each directory whose unlinks were answered, with the directory as the bricks left it
   * (null if they could not tell): on the event loop, once those names are no longer queued or on their way.
   */
  public void whenAnswered(BiConsumer<String, Attr> then) {
    answered = then;
  }

  /** The paths whose unlink is queued or on its way. */
  public Set<String> paths() {
    return pending.keySet();
  }

  /** Waits for the bricks' answer to the unlink of {@code path}, if one is queued or on its way. Blocking. */
  public void await(String path) {
    Promise<Void> p = pending.get(path);
    if (p != null) {
      rs.await(p.future());
    }
  }

  /** Waits for the bricks' answers to every unlink in {@code dir}: a listing of it then shows none of them. */
  public void awaitIn(String dir) {
    pending.keySet().stream().filter(p -> MortarPaths.parent(p).equals(dir)).toList().forEach(this::await);
  }

  private void send(String dir, List<String> names) {
    Future<Attr> sent = names.size() == 1
        ? rs.writeAsync(new Requests.Unlink(VolumePaths.child(dir, names.get(0))), dir).map(w -> w.answer().dir())
        : rs.writeAsync(new Requests.UnlinkMany(dir, names), dir).map(w -> {
          outcomes(dir, w);
          return w.answer().dir();
        });
    sent.onComplete(done -> {
      if (done.failed()) {
        if (!(done.cause() instanceof BrickException e && e.errno() == Errno.ENOENT)) {
          names.forEach(n -> failed(VolumePaths.child(dir, n), done.cause().getMessage()));
        }
      }
      List<String> next;
      synchronized (this) {
        names.forEach(n -> pending.remove(VolumePaths.child(dir, n)).complete());
        next = queued.remove(dir);
        if (next.isEmpty()) {
          next = null;
        } else {
          queued.put(dir, new ArrayList<>());
        }
        notifyAll();
      }
      answered.accept(dir, done.succeeded() ? done.result() : null);
      if (next != null) {
        send(dir, next);
      }
    });
  }

  /**
   * Each name's outcome in the bricks' answers to an UNLINK_MANY: a name no brick unlinked stays (said and counted);
   * the bricks that failed where another succeeded are blamed on the directory, so that heal removes it there too.
   */
  private void outcomes(String dir, ReplicaSet.Written<Replies.UnlinkManyReply> w) {
    Map<String, Map<BrickClient, String>> failedOn = new HashMap<>();
    w.answers().forEach((b, answer) -> answer.failed().forEach(f -> {
      if (!Errno.ENOENT.name().equals(f.errno())) {
        failedOn.computeIfAbsent(f.name(), n -> new HashMap<>()).put(b, f.message());
      }
    }));
    Set<BrickClient> lagging = new HashSet<>();
    failedOn.forEach((name, why) -> {
      if (why.size() == w.took().size()) {
        failed(VolumePaths.child(dir, name), String.join("; ", why.values()));
      } else {
        lagging.addAll(why.keySet());
        LOG.warning("unlink " + VolumePaths.child(dir, name) + " failed on " + why.keySet().stream()
            .map(b -> b.brick().name()).toList() + " (" + String.join("; ", why.values())
            + ") but not on the others; heal removes it there");
      }
    });
    if (!lagging.isEmpty()) {
      rs.blame(w.took().stream().filter(b -> !lagging.contains(b)).toList(), List.copyOf(lagging), dir);
    }
  }

  private void failed(String path, String why) {
    failures.increment();
    LOG.warning("unlink " + path + " was acknowledged but no brick took it; the file is still there: " + why);
  }
}
