package dev.mortar.healer;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Heals many paths at once, and the entries their entry heals make, in waves by depth (a directory's entries exist
 * before its children are healed), at most {@code parallel} at a time on the given workers. Blocking: the caller
 * waits on a worker thread of its own.
 */
final class ParallelHeal {
  private final WorkerExecutor workers;
  private final Function<String, FileHealer.Result> healOne;

  ParallelHeal(WorkerExecutor workers, Function<String, FileHealer.Result> healOne) {
    this.workers = workers;
    this.healOne = healOne;
  }

  /** @return how many paths were healed */
  int run(Collection<String> paths, int parallel) {
    int healed = 0;
    TreeMap<Integer, Set<String>> waves = new TreeMap<>();
    paths.forEach(p -> waves.computeIfAbsent(depth(p), d -> new LinkedHashSet<>()).add(p));
    while (!waves.isEmpty()) {
      Semaphore slots = new Semaphore(parallel);
      List<Future<FileHealer.Result>> running = new ArrayList<>();
      for (String path : waves.pollFirstEntry().getValue()) {
        slots.acquireUninterruptibly();
        running.add(workers.<FileHealer.Result>executeBlocking(() -> healOne.apply(path), false)
            .onComplete(ar -> slots.release()));
      }
      try {
        Future.join(running).toCompletionStage().toCompletableFuture().exceptionally(e -> null).get();
      } catch (Exception e) {
        throw new IllegalStateException("heal wave interrupted", e);
      }
      for (Future<FileHealer.Result> f : running) {
        if (f.succeeded()) {
          healed += f.result().outcome() == FileHealer.Outcome.HEALED ? 1 : 0;
          f.result().next().forEach(p -> waves.computeIfAbsent(depth(p), d -> new LinkedHashSet<>()).add(p));
        }
      }
    }
    return healed;
  }

  static int depth(String path) {
    return path.equals("/") ? 0 : (int) path.chars().filter(c -> c == '/').count();
  }
}
