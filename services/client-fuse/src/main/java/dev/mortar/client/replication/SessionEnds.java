package dev.mortar.client.replication;

import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * AFR post-ops, batched: the end of a write session (its dirty mark cleared, then its lock given up) waits here a
 * few milliseconds and goes with the other sessions that ended meanwhile, in one {@link Requests.EndSessions}
 * request per brick. A program that writes many small files then costs two requests per file and brick instead of
 * three. Nothing waits for these requests; a session that starts again on a file whose end is still queued sends
 * the queue first, so that its lock is not held up.
 */
public final class SessionEnds {
  private static final Logger LOG = Logger.getLogger(SessionEnds.class.getName());
  /** How long an ended session may wait for others. A lock is given up at most this much later. */
  static final long DELAY_MS = ClientTunables.SESSION_ENDS_DELAY_MS.get();
  /** Sessions per request at most. */
  static final int MAX_BATCH = ClientTunables.SESSION_ENDS_BATCH.getInt();

  private final Vertx vertx;
  private final Map<BrickClient, List<Requests.SessionEnd>> queued = new LinkedHashMap<>();
  private final Set<String> paths = new HashSet<>();
  /** Completed once the bricks answered the queued ends (or failed them). */
  private Promise<Void> queuedAnswered = Promise.promise();
  /** The paths with an end queued or on its way, until every brick answered it. */
  private final Map<String, Future<Void>> unanswered = new ConcurrentHashMap<>();
  private int size;
  private long timer = -1;

  SessionEnds(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Queues the end of {@code path}'s session: on each brick of {@code clearOn} its dirty mark goes, then on each of
   * {@code unlockOn} the lock of {@code owner} (null: none) taken under {@code lockPath} (the file's name when the
   * session started). Bricks that are down are left out: they keep the mark (heal checks the file) and lose the lock
   * with its lease.
   */
  public synchronized void add(String path, List<BrickClient> clearOn, String owner, List<BrickClient> unlockOn,
                        String lockPath) {
    Set<BrickClient> on = new HashSet<>(clearOn);
    if (owner != null) {
      on.addAll(unlockOn);
    }
    for (BrickClient b : on) {
      if (b.isUp()) {
        boolean unlock = owner != null && unlockOn.contains(b);
        queued.computeIfAbsent(b, k -> new ArrayList<>()).add(new Requests.SessionEnd(path, clearOn.contains(b),
            unlock ? owner : null, unlock && !lockPath.equals(path) ? lockPath : null));
        size++;
      }
    }
    paths.add(path);
    unanswered.put(path, queuedAnswered.future());
    if (owner != null) {
      paths.add(lockPath);
    }
    if (size >= MAX_BATCH) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(DELAY_MS, t -> flush());
    }
  }

  /** A session starts on {@code path}: the end of its last one goes now if it is still queued. */
  public synchronized void flushIfQueued(String path) {
    if (paths.contains(path)) {
      flush();
    }
  }

  /**
   * The end of {@code path}'s last session if it is queued or on its way, sent now; null if there is none. On a
   * local-disk brick clearing the dirty mark changes the file's ctime: a stat(2) waits for it, so that the ctime it
   * shows is not changed later by what the program did before.
   */
  public Future<Void> endOf(String path) {
    Future<Void> end = unanswered.get(path);
    if (end != null && !end.isComplete()) {
      flushIfQueued(path);
    }
    return end;
  }

  /** Sends everything queued; completes when every brick answered (or failed). */
  public synchronized Future<Void> flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Future<?>> sent = new ArrayList<>();
    queued.forEach((b, sessions) -> sent.add(b.call(new Requests.EndSessions(sessions)).onComplete(r -> {
          if (r.failed()) {
            LOG.fine(sessions.size() + " session ends not taken by " + b.brick().name() + " (their dirty marks stay: "
                + "heal checks those files): " + r.cause());
          } else if (!r.result().failed().isEmpty()) {
            LOG.fine("dirty marks kept on " + b.brick().name() + ": " + r.result().failed());
          }
        })));
    Future<Void> answered = Future.join(sent).<Void>mapEmpty();
    Promise<Void> these = queuedAnswered;
    queuedAnswered = Promise.promise();
    answered.onComplete(r -> {
      these.complete();
      unanswered.values().removeIf(f -> f == these.future());
    });
    queued.clear();
    paths.clear();
    size = 0;
    return answered;
  }
}
