package dev.mortar.healer;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.api.HealerOp;
import dev.mortar.common.cluster.ServiceRegistration;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.SplitBrains;
import dev.mortar.common.config.HealTunables;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The self-heal service of one node, for the bricks of this node. It works from the heal index the bricks keep
 * (never a crawl of the tree to find work): at once when a brick comes online, a peer comes back or someone runs
 * {@code volume heal} ({@link Addresses#EVENTS_HEAL}), and every {@link HealTunables#SWEEP_MS} as a safety net. Files are healed
 * in parallel, at most {@code cluster.shd-max-threads} at a time, parents before their children, on the healer's
 * own worker threads, so healing neither holds an event loop nor starves the clients.
 */
public final class HealerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HealerVerticle.class.getName());
  /** How long a file with nothing but dirty marks is left to whoever is filling it before it is healed here. */
  private final long tornGraceMs = HealTunables.TORN_GRACE_MS.get();
  /** Upper bound of cluster.shd-max-threads. */
  private final int maxParallel = HealTunables.MAX_PARALLEL.getInt();

  private final String nodeUuid;
  private final Supplier<List<Volume>> volumes;
  private final MeterRegistry registry;
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final AtomicBoolean sweepAgain = new AtomicBoolean();
  private final AtomicBoolean retryAll = new AtomicBoolean();
  /** The last sweep of each local brick's index (volume ID/brick index). */
  private final Map<String, Sweep> lastSweeps = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> backlog = new ConcurrentHashMap<>();
  /** Volume ID + path of files found with nothing but dirty marks, and when. */
  private final Map<String, Long> deferred = new ConcurrentHashMap<>();
  /** Whether the last sweep of a brick's index healed anything, and when it ran. */
  private record Sweep(boolean progress, long at) {}

  private WorkerExecutor sweeper;
  private WorkerExecutor healers;
  private Counter bytesHealed;

  /** @param volumes the pool's volumes as they are now */
  public HealerVerticle(String nodeUuid, Supplier<List<Volume>> volumes, MeterRegistry registry) {
    this.nodeUuid = nodeUuid;
    this.volumes = volumes;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    sweeper = vertx.createSharedWorkerExecutor("mortar-healer-sweep", 1);
    healers = vertx.createSharedWorkerExecutor("mortar-healer-files", maxParallel);
    bytesHealed = Counter.builder("mortar_heal_bytes_total").description("Bytes copied to bricks by heal")
        .register(registry);
    vertx.setPeriodic(HealTunables.SWEEP_MS.get(), t -> requestSweep(false));
    ServiceRegistration.<JsonObject>register(vertx, Addresses.EVENTS_HEAL, m -> {
      LOG.fine("heal now: " + HealEvent.fromJson(m.body()).reason());
      requestSweep(true);
    });
    return ServiceRegistration.<JsonObject>register(vertx, Addresses.healer(nodeUuid), this::request);
  }

  private void request(Message<JsonObject> m) {
    HealerOp op;
    try {
      op = HealerOp.valueOf(m.body().getString("op"));
    } catch (RuntimeException e) {
      m.fail(400, "unknown healer request " + m.body().getString("op"));
      return;
    }
    if (op == HealerOp.STATUS) {
      m.reply(new JsonObject().put("pid", ProcessHandle.current().pid()));
      return;
    }
    Optional<Volume> v = volumes.get().stream().filter(x -> x.id().equals(m.body().getString("volumeId")))
        .findFirst();
    if (v.isEmpty() || v.get().status() != VolumeStatus.Started) {
      m.fail(409, "the volume is not started");
      return;
    }
    if (op == HealerOp.RESOLVE) {
      healers.executeBlocking(() -> resolve(v.get(), m.body()), false).onComplete(ar -> {
        if (ar.succeeded()) {
          m.reply(new JsonObject().put("message", ar.result()));
        } else {
          m.fail(ar.cause() instanceof SplitBrainResolver.Undecided ? 409 : 500, ar.cause().getMessage());
        }
      });
      return;
    }
    m.reply(new JsonObject());
    sweeper.executeBlocking(() -> {
      long t0 = System.nanoTime();
      BrickCalls bricks = BrickCalls.of(vertx, v.get());
      FileHealer healer = fileHealer(bricks);
      int found = new FullCrawl(bricks, paths -> healAll(v.get(), healer, now(paths))).run();
      LOG.info("full heal of " + v.get().name() + " done in " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
          + found + " differences healed");
      return null;
    }).onFailure(e -> LOG.warning("full heal of " + v.get().name() + " stopped: " + e.getMessage()
        + "; run 'volume heal " + v.get().name() + " full' again when every brick is online"));
  }

  /** {@link HealerOp#RESOLVE}: one file, or every file in split-brain; the answer in GlusterFS's words. */
  private String resolve(Volume v, JsonObject body) {
    BrickCalls bricks = BrickCalls.of(vertx, v);
    FileHealer healer = fileHealer(bricks);
    String word = body.getString("policy", "");
    boolean command = List.of("bigger-file", "latest-mtime", "source-brick").contains(word);
    SplitBrainResolver.Policy policy = command ? SplitBrainResolver.ofCommand(word)
        : SplitBrainResolver.Policy.ofOption(word).orElseThrow(() -> new SplitBrainResolver.Undecided(
            "cluster.favorite-child-policy is none"));
    Integer source = body.getInteger("source");
    List<String> paths = body.getString("path") != null ? List.of(body.getString("path")) : splitBrains(bricks);
    StringBuilder out = new StringBuilder();
    for (String path : paths) {
      try {
        FileHealer.Result r = healer.resolve(path, policy, source, command);
        Map<String, FileHealer.Why> next = new LinkedHashMap<>();
        r.next().forEach(p -> next.put(p, FileHealer.Why.NOW));
        healAll(v, healer, next);
        out.append(out.isEmpty() ? "" : "\n").append("Healed ").append(path).append('.');
      } catch (SplitBrainResolver.Undecided e) {
        if (paths.size() == 1) {
          throw new SplitBrainResolver.Undecided("Healing " + path + " failed: " + e.getMessage());
        }
        out.append(out.isEmpty() ? "" : "\n").append("Healing ").append(path).append(" failed: ")
            .append(e.getMessage());
      }
    }
    return out.isEmpty() ? "No file of volume " + v.name() + " is in split-brain." : out.toString();
  }

  /** The paths in split-brain now, from every brick's heal index. */
  private static List<String> splitBrains(BrickCalls bricks) {
    Map<Integer, Map<String, FileMeta>> indexes = new LinkedHashMap<>();
    for (int b = 0; b < bricks.size(); b++) {
      Map<String, FileMeta> metas = new LinkedHashMap<>();
      try {
        bricks.index(b).forEach(e -> {
          if (e.meta() != null) {
            metas.put(e.path(), e.meta());
          }
        });
      } catch (BrickException away) {
        continue;
      }
      indexes.put(b, metas);
    }
    return List.copyOf(SplitBrains.find(indexes));
  }

  /**
   * Sweeps now, or right after the sweep that is running.
   *
   * @param event something happened that may let waiting entries heal (retry them all, not only new ones)
   */
  private void requestSweep(boolean event) {
    if (event) {
      retryAll.set(true);
    }
    if (!sweeping.compareAndSet(false, true)) {
      sweepAgain.set(true);
      return;
    }
    boolean retry = retryAll.getAndSet(false);
    sweeper.executeBlocking(() -> {
      sweep(retry);
      return null;
    }, false).onComplete(ar -> {
      sweeping.set(false);
      if (ar.failed()) {
        LOG.warning("heal sweep failed: " + ar.cause());
      }
      if (sweepAgain.getAndSet(false)) {
        requestSweep(false);
      }
    });
  }

  private void sweep(boolean retry) {
    long now = System.currentTimeMillis();
    deferred.values().removeIf(since -> now - since > 20 * tornGraceMs); // healed or gone meanwhile
    for (Volume v : volumes.get()) {
      if (v.status() != VolumeStatus.Started || !HealSettings.of(v).enabled()) {
        continue;
      }
      BrickCalls bricks = BrickCalls.of(vertx, v);
      FileHealer healer = fileHealer(bricks);
      for (int i = 0; i < v.bricks().size(); i++) {
        if (v.bricks().get(i).nodeUuid().equals(nodeUuid)) {
          sweepBrick(bricks, i, healer, retry);
        }
      }
    }
  }

  private FileHealer fileHealer(BrickCalls bricks) {
    return new FileHealer(bricks, "healer-" + nodeUuid, bytesHealed::increment, SplitBrainResolver.Policy.ofOption(
        VolumeOptions.effective(bricks.volume, VolumeOptions.FAVORITE_CHILD_POLICY)));
  }

  /**
   * Heals what one local brick's index names. An index where the last sweep healed nothing (its entries wait for
   * a brick that is away) is swept again once every brick answers, on an event (a brick or peer back,
   * {@code volume heal}) or after {@code cluster.heal-timeout}, not on every tick while clients add to it.
   */
  private void sweepBrick(BrickCalls bricks, int brick, FileHealer healer, boolean retry) {
    Map<String, FileHealer.Why> paths = new LinkedHashMap<>();
    Volume v = bricks.volume;
    long now = System.currentTimeMillis();
    try {
      bricks.index(brick).forEach(e -> {
        String path = e.path();
        boolean blames = e.meta() != null && e.meta().pending().values().stream().anyMatch(n -> n > 0);
        Long since = deferred.get(v.id() + path);
        if (blames) {
          paths.put(path, FileHealer.Why.SOURCE);
        } else if (since == null) {
          paths.put(path, FileHealer.Why.LISTED);
        } else if (now - since >= tornGraceMs) {
          paths.put(path, FileHealer.Why.TORN);
        }
      });
    } catch (BrickException e) {
      return; // the brick is not up (yet)
    }
    backlog(v, brick).set(paths.size());
    String key = v.id() + "/" + brick;
    Sweep last = lastSweeps.get(key);
    if (paths.isEmpty()) {
      lastSweeps.remove(key);
      return;
    }
    if (!retry && last != null && !last.progress() && now - last.at() < HealSettings.of(v).retryInterval().toMillis()
        && !bricks.allAnswer()) {
      return; // what is left waits for a brick that is away
    }
    long t0 = System.nanoTime();
    int healed = healAll(v, healer, paths);
    lastSweeps.put(key, new Sweep(healed > 0, now));
    if (healed > 0) {
      LOG.info("healed " + healed + " entries of " + v.name() + " named by " + v.bricks().get(brick).name()
          + "'s heal index in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }

  /**
   * Heals {@code paths} of volume {@code v} in parallel. A file with nothing but dirty marks is left for
   * {@link #tornGraceMs} first: a live writer or another node's healer may be about to clear it.
   */
  private int healAll(Volume v, FileHealer healer, Map<String, FileHealer.Why> paths) {
    long now = System.currentTimeMillis();
    return new ParallelHeal(healers, (path, why) -> healOne(v, healer, path, why)).run(paths, (p, outcome) -> {
      if (outcome == FileHealer.Outcome.DEFERRED) {
        deferred.putIfAbsent(v.id() + p, now);
      } else {
        deferred.remove(v.id() + p);
      }
    }, Math.min(maxParallel, HealSettings.of(v).parallelFiles()));
  }

  private FileHealer.Result healOne(Volume v, FileHealer healer, String path, FileHealer.Why why) {
    long t0 = System.nanoTime();
    FileHealer.Result r;
    String outcome;
    try {
      r = healer.heal(path, why);
      outcome = r.outcome().name().toLowerCase();
    } catch (BrickException e) {
      r = FileHealer.Result.of(FileHealer.Outcome.SKIPPED);
      outcome = "failed";
      LOG.fine("heal of " + path + " in " + v.name() + " not done now: " + e.getMessage());
    }
    if (r.outcome() == FileHealer.Outcome.HEALED) {
      LOG.fine("healed " + v.name() + ":" + path);
    }
    Timer.builder("mortar_heal_seconds").description("Time to heal one file, by outcome").tag("volume", v.name())
        .tag("outcome", outcome).register(registry).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return r;
  }

  private static Map<String, FileHealer.Why> now(List<String> paths) {
    Map<String, FileHealer.Why> out = new LinkedHashMap<>();
    paths.forEach(p -> out.put(p, FileHealer.Why.NOW));
    return out;
  }

  private AtomicInteger backlog(Volume v, int brick) {
    return backlog.computeIfAbsent(v.id() + "/" + brick, k -> {
      AtomicInteger n = new AtomicInteger();
      Gauge.builder("mortar_heal_backlog", n, AtomicInteger::get)
          .description("Entries in a local brick's heal index at the last sweep")
          .tag("volume", v.name()).tag("brick", v.bricks().get(brick).name()).register(registry);
      return n;
    });
  }

  @Override
  public Future<?> stop() {
    return Future.join(sweeper == null ? Future.succeededFuture() : sweeper.close(),
        healers == null ? Future.succeededFuture() : healers.close());
  }
}
