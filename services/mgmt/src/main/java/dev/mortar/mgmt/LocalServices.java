package dev.mortar.mgmt;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.PoolState;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeStatus;
import dev.mortar.mgmt.pool.MgmtContext;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Keeps this node's brick services in line with the pool state: a brick verticle for every local brick of every
 * started volume, none for the others. Runs at start and after every adopted state, so a restart or a change
 * made while this node was away ends the same way.
 */
final class LocalServices {
  private static final Logger LOG = Logger.getLogger(LocalServices.class.getName());

  private final MgmtContext ctx;
  /** Brick key (volume ID + index) to deployment ID. */
  private final Map<String, String> deployed = new HashMap<>();
  private Future<Void> queue = Future.succeededFuture();

  LocalServices(MgmtContext ctx) {
    this.ctx = ctx;
  }

  /** Serialised: a reconcile never overlaps another. */
  synchronized Future<Void> reconcile(PoolState state) {
    queue = queue.transform(ignored -> doReconcile(state));
    return queue;
  }

  private Future<Void> doReconcile(PoolState state) {
    Map<String, BrickVerticle> wanted = new LinkedHashMap<>();
    for (Volume v : state.volumes()) {
      if (v.status() != VolumeStatus.Started) {
        continue;
      }
      for (int i = 0; i < v.bricks().size(); i++) {
        Brick b = v.bricks().get(i);
        if (b.nodeUuid().equals(ctx.uuid())) {
          wanted.put(v.id() + "/" + i, new BrickVerticle(v.name(), v.id(), i, b.path(), b.name(),
              ctx.config().eventBusPort(), ctx.registry(), S3Config.of(ctx.config())));
        }
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (String key : Map.copyOf(deployed).keySet()) {
      if (!wanted.containsKey(key)) {
        String id = deployed.remove(key);
        chain = chain.compose(v -> ctx.vertx().undeploy(id).otherwiseEmpty());
      }
    }
    for (Map.Entry<String, BrickVerticle> e : wanted.entrySet()) {
      if (!deployed.containsKey(e.getKey())) {
        chain = chain.compose(v -> ctx.vertx().deployVerticle(e.getValue())
            .onSuccess(id -> deployed.put(e.getKey(), id))
            .<Void>mapEmpty()
            .otherwise(err -> {
              LOG.warning("brick " + e.getKey() + " not started: " + err.getMessage());
              return null;
            }));
      }
    }
    return chain;
  }
}
