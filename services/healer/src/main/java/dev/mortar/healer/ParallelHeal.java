package dev.mortar.healer;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Heals many paths at once, and the entries their entry heals make, in waves by depth (a directory's entries exist
 * before its children are healed), at most {@code parallel} at a time on the given workers. Entries made by entry
 * heal are filled at once (they are this heal's own dirty marks). Blocking: the caller waits on a worker thread of
 * its own.
 */
final class ParallelHeal {
  private final WorkerExecutor workers;
  private final BiFunction<String, FileHealer.Why, FileHealer.Result> healOne;

  /** @param healOne heals a path ({@link FileHealer#heal}) */
  ParallelHeal(WorkerExecutor workers, BiFunction<String, FileHealer.Why, FileHealer.Result> healOne) {
    this.workers = workers;
    this.healOne = healOne;
  }

  /**
   * @param paths    the paths to heal, and why
   * @param outcomes told the outcome of each path given (not of the entries made on the way)
   * @return how many paths were healed
   */
  int run(Map<String, FileHealer.Why> paths, BiConsumer<String, FileHealer.Outcome> outcomes, int parallel) {
    int healed = 0;
    TreeMap<Integer, Map<String, FileHealer.Why>> waves = new TreeMap<>();
    paths.forEach((p, why) -> waves.computeIfAbsent(depth(p), d -> new LinkedHashMap<>()).put(p, why));
    Set<String> given = new HashSet<>(paths.keySet());
    while (!waves.isEmpty()) {
      Semaphore slots = new Semaphore(parallel);
      List<String> started = new ArrayList<>();
      List<Future<FileHealer.Result>> running = new ArrayList<>();
      for (Map.Entry<String, FileHealer.Why> e : waves.pollFirstEntry().getValue().entrySet()) {
        slots.acquireUninterruptibly();
        started.add(e.getKey());
        running.add(workers.<FileHealer.Result>executeBlocking(() -> healOne.apply(e.getKey(), e.getValue()), false)
            .onComplete(ar -> slots.release()));
      }
      try {
        Future.join(running).toCompletionStage().toCompletableFuture().exceptionally(e -> null).get();
      } catch (Exception e) {
        throw new IllegalStateException("heal wave interrupted", e);
      }
      for (int i = 0; i < running.size(); i++) {
        Future<FileHealer.Result> f = running.get(i);
        if (f.succeeded()) {
          FileHealer.Outcome o = f.result().outcome();
          healed += o == FileHealer.Outcome.HEALED || o == FileHealer.Outcome.RESOLVED ? 1 : 0;
          if (given.contains(started.get(i))) {
            outcomes.accept(started.get(i), f.result().outcome());
          }
          f.result().next().forEach(p -> waves.computeIfAbsent(depth(p), d -> new LinkedHashMap<>()).put(p, FileHealer.Why.NOW));
        }
      }
    }
    return healed;
  }

  static int depth(String path) {
    return path.equals("/") ? 0 : (int) path.chars().filter(c -> c == '/').count();
  }
}
