package dev.mortar.healer;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The self-heal service of one node: sweeps the heal index of this node's bricks (never the whole tree) every
 * {@link #SWEEP_MS}, and heals what it names from the bricks that have it. Works on its own worker pool, so healing
 * never holds an event loop, and one file at a time per node, so it does not starve the clients.
 */
public final class HealerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HealerVerticle.class.getName());
  static final long SWEEP_MS = 2_000;
  private static final long TIMEOUT_MS = 5_000;

  private final String nodeUuid;
  private final Supplier<List<Volume>> volumes;
  private final MeterRegistry registry;
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private WorkerExecutor workers;

  /** @param volumes the pool's volumes as they are now */
  public HealerVerticle(String nodeUuid, Supplier<List<Volume>> volumes, MeterRegistry registry) {
    this.nodeUuid = nodeUuid;
    this.volumes = volumes;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("mortar-healer", 1);
    vertx.setPeriodic(SWEEP_MS, t -> {
      if (sweeping.compareAndSet(false, true)) {
        workers.executeBlocking(() -> {
          sweep();
          return null;
        }, false).onComplete(ar -> {
          sweeping.set(false);
          if (ar.failed()) {
            LOG.warning("heal sweep failed: " + ar.cause());
          }
        });
      }
    });
    return Future.succeededFuture();
  }

  private void sweep() {
    for (Volume v : volumes.get()) {
      if (v.status() != VolumeStatus.Started || !HealSettings.of(v).enabled()) {
        continue;
      }
      FileHealer healer = new FileHealer(vertx, v, TIMEOUT_MS, "healer-" + nodeUuid);
      for (int i = 0; i < v.bricks().size(); i++) {
        if (v.bricks().get(i).nodeUuid().equals(nodeUuid)) {
          sweepBrick(v, i, healer);
        }
      }
    }
  }

  private void sweepBrick(Volume v, int brick, FileHealer healer) {
    List<String> paths;
    try {
      paths = BrickRequests.send(vertx, Addresses.brick(v.id(), brick), BrickOp.INDEX_LIST, "/", h -> { },
              Buffer.buffer(), TIMEOUT_MS).toCompletionStage().toCompletableFuture()
          .get(TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS).header().getJsonArray(BrickFields.ENTRIES).stream()
          .map(o -> ((JsonObject) o).getString("path")).sorted().toList(); // parents before their children
    } catch (Exception e) {
      return; // the brick is not up (yet)
    }
    for (String path : paths) {
      String outcome;
      try {
        outcome = healer.heal(path).name().toLowerCase();
      } catch (BrickException e) {
        outcome = "failed";
        LOG.fine("heal of " + path + " in " + v.name() + " not done now: " + e.getMessage());
      }
      if (outcome.equals("healed")) {
        LOG.info("healed " + v.name() + ":" + path);
      }
      Counter.builder("mortar_heal_files_total").description("Files the healer looked at, by outcome")
          .tag("volume", v.name()).tag("outcome", outcome).register(registry).increment();
    }
  }

  @Override
  public Future<?> stop() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }
}
