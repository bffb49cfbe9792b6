package dev.mortar.mgmt;

import dev.mortar.brick.BrickStorages;
import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.Heartbeat;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.cluster.ClusterBootstrap;
import dev.mortar.common.cluster.ServiceRegistration;
import dev.mortar.common.model.PoolState;
import dev.mortar.healer.HealerVerticle;
import dev.mortar.mgmt.pool.MgmtContext;
import dev.mortar.mgmt.pool.PoolCoordinator;
import dev.mortar.mgmt.pool.PoolOps;
import dev.mortar.mgmt.pool.RemoteNode;
import dev.mortar.mgmt.pool.Requests;
import dev.mortar.mgmt.volume.VolumeOps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The management service of one node, at {@link Addresses#mgmt}: answers every admin operation for the pool,
 * publishes this node's heartbeat, catches up with peers that are ahead, and keeps local services in line with
 * the pool state.
 */
public final class MgmtVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(MgmtVerticle.class.getName());

  private final MgmtContext ctx;
  private PoolOps pool;
  private VolumeOps volumes;
  private LocalServices local;
  private RemoteNode remote;
  private String clusterNodeId;

  public MgmtVerticle(MgmtContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    remote = new RemoteNode(vertx);
    clusterNodeId = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().getNodeId();
    PoolCoordinator coordinator = new PoolCoordinator(ctx);
    pool = new PoolOps(ctx, coordinator, remote);
    volumes = new VolumeOps(ctx, coordinator);
    local = new LocalServices(ctx);
    ctx.state().onChange(s -> {
      local.reconcile(s);
      s.members().stream().filter(p -> !p.uuid().equals(ctx.uuid()))
          .forEach(p -> ClusterBootstrap.addMember(vertx, p.hostname() + ":" + p.clusterPort()));
      pool.leaveIfRemoved(s);
      vertx.eventBus().publish(Addresses.EVENTS_STATE,
          new JsonObject().put("node", ctx.uuid()).put("generation", s.generation()));
    });
    ServiceRegistration.<JsonObject>register(vertx, Addresses.EVENTS_HEARTBEAT,
        m -> pool.onHeartbeat(Heartbeat.fromJson(m.body())));
    vertx.setPeriodic(0, Heartbeat.INTERVAL_MS, id -> publishHeartbeat());
    return ServiceRegistration.<JsonObject>register(vertx, Addresses.mgmt(ctx.uuid()), this::handle)
        .compose(v -> local.reconcile(ctx.state().current()))
        .compose(v -> vertx.deployVerticle(new HealerVerticle(ctx.uuid(), () -> ctx.state().current().volumes(),
            ctx.registry())));
  }

  private void publishHeartbeat() {
    PoolState s = ctx.state().current();
    vertx.eventBus().publish(Addresses.EVENTS_HEARTBEAT,
        new Heartbeat(ctx.uuid(), clusterNodeId, s.poolId(), s.generation()).toJson());
  }

  private void handle(Message<JsonObject> m) {
    Future<JsonObject> result;
    MgmtOp op = parseOp(m.headers().get(MgmtOp.HEADER));
    if (op == null) {
      result = Future.failedFuture(MortarException.badRequest("unknown management operation "
          + m.headers().get(MgmtOp.HEADER)));
    } else {
      try {
        result = dispatch(op, m.body() == null ? new JsonObject() : m.body());
      } catch (Throwable e) { // an Error too: the caller must get an answer, not a 60 s timeout
        result = Future.failedFuture(e);
      }
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        MortarException e = MortarException.from(ar.cause());
        if (e.code() == dev.mortar.common.api.ErrorCode.INTERNAL) {
          LOG.log(Level.SEVERE, "management operation " + m.headers().get(MgmtOp.HEADER) + " failed", ar.cause());
        }
        m.fail(e.code().httpStatus, e.getMessage());
      }
    });
  }

  private static MgmtOp parseOp(String name) {
    try {
      return name == null ? null : MgmtOp.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Future<JsonObject> dispatch(MgmtOp op, JsonObject body) {
    return switch (op) {
      case NODE_INFO -> Future.succeededFuture(pool.nodeInfo());
      case PEER_STATUS -> Future.succeededFuture(pool.peerStatus());
      case POOL_LIST -> Future.succeededFuture(pool.poolList());
      case PEER_PROBE -> pool.probe(body);
      case PEER_DETACH -> pool.detach(body);
      case POOL_JOIN -> pool.join(body);
      case POOL_LEAVE -> pool.leave(body);
      case VOLUME_CREATE -> volumes.create(body);
      case VOLUME_START -> volumes.start(body);
      case VOLUME_STOP -> volumes.stop(body);
      case VOLUME_DELETE -> volumes.delete(body);
      case VOLUME_INFO -> Future.succeededFuture(volumes.info(body));
      case VOLUME_LIST -> Future.succeededFuture(volumes.list());
      case VOLUME_STATUS -> volumes.status(body);
      case VOLUME_SET -> volumes.set(body);
      case VOLUME_GET -> Future.succeededFuture(volumes.get(body));
      case VOLUME_RESET -> volumes.reset(body);
      case VOLUME_MOUNT_INFO -> Future.succeededFuture(volumes.mountInfo(body));
      case VOLUME_HEAL_INFO -> volumes.healInfo(body);
      case VOLUME_HEAL -> volumes.heal(body);
      case VOLUME_SPLIT_BRAIN -> volumes.splitBrain(body);
      case STATE_GET -> Future.succeededFuture(new JsonObject().put("state", ctx.state().current().toJson()));
      case STATE_COMMIT -> ctx.state().adopt(PoolState.fromJson(body.getJsonObject("state")), false)
          .map(s -> new JsonObject().put("generation", s.generation()));
      case BRICK_CHECK -> checkBrick(body);
    };
  }

  private Future<JsonObject> checkBrick(JsonObject body) {
    Requests.onlyFields(body, Set.of("path", "volumeId", "force", "name"));
    return vertx.executeBlocking(() -> {
      BrickStorages.check(body.getString("path"), body.getString("volumeId"), body.getBoolean("force", false),
          body.getString("name"), S3Config.of(ctx.config()), ctx.registry());
      return new JsonObject().put("ok", true);
    }, false);
  }

  @Override
  public Future<?> stop() {
    return remote.close();
  }
}
