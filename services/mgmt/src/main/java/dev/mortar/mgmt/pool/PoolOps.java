package dev.mortar.mgmt.pool;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.api.Heartbeat;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.config.PoolTunables;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/** The trusted pool: probe, detach, peer status, pool list, and the two sides of joining and leaving. */
public final class PoolOps {
  private static final Logger LOG = Logger.getLogger(PoolOps.class.getName());
  /** How long a probe waits for the new peer's first heartbeat over the event bus. */

  private final MgmtContext ctx;
  private final PoolCoordinator coordinator;
  private final RemoteNode remote;

  public PoolOps(MgmtContext ctx, PoolCoordinator coordinator, RemoteNode remote) {
    this.ctx = ctx;
    this.coordinator = coordinator;
    this.remote = remote;
  }

  public JsonObject nodeInfo() {
    PoolState s = ctx.state().current();
    return new JsonObject().put("uuid", ctx.uuid()).put("hostname", ctx.config().host()).put("poolId", s.poolId())
        .put("generation", s.generation()).put("members", s.members().size()).put("volumes", s.volumes().size())
        .put("adminPort", ctx.config().adminPort()).put("clusterPort", ctx.config().clusterPort())
        .put("eventBusPort", ctx.config().eventBusPort()).put("pid", ProcessHandle.current().pid());
  }

  public JsonObject peerStatus() {
    JsonArray peers = new JsonArray();
    for (Peer p : others()) {
      peers.add(new JsonObject().put("uuid", p.uuid()).put("hostname", p.hostname()).put("state", "Peer in Cluster")
          .put("connected", ctx.isConnected(p.uuid())));
    }
    return new JsonObject().put("peers", peers);
  }

  public JsonObject poolList() {
    JsonArray pool = new JsonArray();
    for (Peer p : others()) {
      pool.add(new JsonObject().put("uuid", p.uuid()).put("hostname", p.hostname())
          .put("connected", ctx.isConnected(p.uuid())));
    }
    pool.add(new JsonObject().put("uuid", ctx.uuid()).put("hostname", "localhost").put("connected", true));
    return new JsonObject().put("pool", pool);
  }

  private List<Peer> others() {
    return ctx.state().current().members().stream().filter(p -> !p.uuid().equals(ctx.uuid())).toList();
  }

  public Future<JsonObject> probe(JsonObject body) {
    Requests.onlyFields(body, Set.of("host"));
    HostPort hp = HostPort.parse(Requests.requiredString(body, "host"), ctx.config().adminPort());
    return remote.identity(hp.host(), hp.port()).compose(id -> {
      String uuid = id.getString("uuid");
      PoolState cur = ctx.state().current();
      if (ctx.uuid().equals(uuid)) {
        return message("Probe on localhost not needed");
      }
      if (cur.member(uuid).isPresent()) {
        return message("Host " + hp.host() + " port " + hp.port() + " already in peer list");
      }
      if (!cur.poolId().equals(id.getString("poolId"))
          && (id.getInteger("members", 1) > 1 || id.getInteger("volumes", 0) > 0)) {
        throw MortarException.conflict(hp.host() + " is already part of another pool (" + (id.getInteger("members") - 1)
            + " peers, " + id.getInteger("volumes") + " volumes); detach it from that pool first, or probe this"
            + " node from a node of that pool");
      }
      Peer joining = new Peer(uuid, hp.host(), hp.port(), id.getInteger("clusterPort"));
      return coordinator.change(state -> {
        List<Peer> members = new ArrayList<>(state.members());
        members.add(joining);
        PoolState next = state.next(members, state.volumes());
        return remote.join(hp.host(), hp.port(), next.toJson()).map(next);
      }, Set.of()).compose(next -> waitConnected(joining)).map(v -> new JsonObject().put("message", "success"));
    });
  }

  private Future<Void> waitConnected(Peer p) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + PoolTunables.JOIN_WAIT_MS.get();
    ctx.vertx().setPeriodic(200, id -> {
      if (ctx.peers().isConnected(p.uuid())) {
        ctx.vertx().cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        ctx.vertx().cancelTimer(id);
        done.tryFail(MortarException.unavailable(p.hostname() + " accepted the probe and is in the pool, but its"
            + " heartbeat has not arrived within " + PoolTunables.JOIN_WAIT_MS.get() / 1000 + " s; check that its cluster and event-bus"
            + " ports are reachable from this node and back ('peer status' shows when it connects)"));
      }
    });
    return done.future();
  }

  public Future<JsonObject> detach(JsonObject body) {
    Requests.onlyFields(body, Set.of("host", "force"));
    String host = Requests.requiredString(body, "host");
    boolean force = Requests.optionalBoolean(body, "force", false);
    PoolState cur = ctx.state().current();
    Peer p = findPeer(cur, host).orElseThrow(() -> MortarException.notFound(host + " is not part of the pool;"
        + " 'peer status' lists the peers"));
    if (p.uuid().equals(ctx.uuid())) {
      throw MortarException.badRequest(host + " is localhost; detach this node from one of its peers");
    }
    if (cur.volumes().stream().anyMatch(v -> v.bricks().stream().anyMatch(b -> b.nodeUuid().equals(p.uuid())))) {
      throw MortarException.conflict("Peer " + host + " hosts one or more bricks. Stop and delete the volumes that"
          + " use them ('volume info' lists the bricks) before detaching it.");
    }
    if (!ctx.isConnected(p.uuid()) && !force) {
      throw MortarException.unavailable(host + " is Disconnected; use 'peer detach " + host + " force' to detach it"
          + " anyway (it leaves the pool when it comes back)");
    }
    return coordinator.change(state -> {
      List<Peer> members = new ArrayList<>(state.members());
      members.removeIf(m -> m.uuid().equals(p.uuid()));
      return Future.succeededFuture(state.next(members, state.volumes()));
    }, Set.of(p.uuid())).compose(next -> {
      ctx.peers().forget(p.uuid());
      // Best effort: a detached node that is down is told again when its heartbeat shows up.
      tellToLeave(p.uuid(), next);
      return message("success");
    });
  }

  static Optional<Peer> findPeer(PoolState s, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return s.members().stream()
        .filter(p -> p.hostname().toLowerCase(Locale.ROOT).equals(h) || p.uuid().equals(host)
            || (p.hostname() + ":" + p.adminPort()).equalsIgnoreCase(host))
        .findFirst();
  }

  void tellToLeave(String nodeUuid, PoolState newer) {
    ctx.vertx().eventBus().request(Addresses.mgmt(nodeUuid), new JsonObject().put("state", newer.toJson()),
            new DeliveryOptions().addHeader(MgmtOp.HEADER, MgmtOp.POOL_LEAVE.name()).setSendTimeout(3000))
        .onFailure(e -> LOG.fine("detached node " + nodeUuid + " not told now: " + e.getMessage()));
  }

  /** This node is probed: adopt the prober's pool and join its cluster. */
  public Future<JsonObject> join(JsonObject body) {
    PoolState offered = PoolState.fromJson(body.getJsonObject("state"));
    PoolState cur = ctx.state().current();
    if (offered.member(ctx.uuid()).isEmpty()) {
      throw MortarException.badRequest("the offered pool state does not list this node");
    }
    if (!cur.poolId().equals(offered.poolId()) && (cur.members().size() > 1 || !cur.volumes().isEmpty())) {
      throw MortarException.conflict("this node is already part of another pool (" + (cur.members().size() - 1)
          + " peers, " + cur.volumes().size() + " volumes); detach it from that pool first");
    }
    LOG.info("joining pool " + offered.poolId() + " with " + (offered.members().size() - 1) + " peers");
    return ctx.state().adopt(offered, true).map(s -> {
      ctx.vertx().setTimer(100, t -> ctx.rejoin().run()); // after the reply has left
      return new JsonObject().put("message", "joining");
    });
  }

  /** A peer says this node was detached: adopt its newer state; {@link #leaveIfRemoved} does the rest. */
  public Future<JsonObject> leave(JsonObject body) {
    PoolState newer = PoolState.fromJson(body.getJsonObject("state"));
    if (!newer.poolId().equals(ctx.state().current().poolId()) || newer.member(ctx.uuid()).isPresent()) {
      throw MortarException.conflict("not leaving: the sender's pool state does not show this node detached");
    }
    return ctx.state().adopt(newer, false).map(s -> new JsonObject().put("message", "left"));
  }

  /**
   * Called for every adopted state, however it arrived (commit, catch-up, leave): a state without this node means
   * it was detached, so it goes back to a pool of its own.
   */
  public void leaveIfRemoved(PoolState adopted) {
    if (adopted.member(ctx.uuid()).isPresent()) {
      return;
    }
    LOG.warning("this node was detached from pool " + adopted.poolId() + "; starting a pool of its own");
    ctx.state().adopt(PoolState.alone(ctx.self()), true)
        .onSuccess(s -> ctx.vertx().setTimer(100, t -> ctx.rejoin().run()));
  }

  /** Every heartbeat: track the peer, catch up if it is ahead, tell it to leave if it was detached while away. */
  public void onHeartbeat(Heartbeat hb) {
    if (hb.node().equals(ctx.uuid()) || !hb.poolId().equals(ctx.state().current().poolId())) {
      return;
    }
    if (ctx.peers().seen(hb)) {
      LOG.info("peer " + hb.node() + " is Connected");
      ctx.vertx().eventBus().publish(Addresses.LOCAL_PEER_CONNECTED, hb.node(),
          new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
      // What the bricks here recorded for the peer's bricks while it was away can be healed now.
      ctx.vertx().eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(null, "peer " + hb.node()
          + " connected").toJson());
    }
    PoolState cur = ctx.state().current();
    if (hb.generation() > cur.generation()) {
      coordinator.fetchFrom(hb.node()).compose(s -> ctx.state().adopt(s, false))
          .onFailure(e -> LOG.warning("cannot fetch the newer pool state (generation " + hb.generation()
              + ") from " + hb.node() + ": " + e.getMessage()));
    } else if (cur.member(hb.node()).isEmpty() && hb.generation() < cur.generation()) {
      tellToLeave(hb.node(), cur);
    }
  }

  private static Future<JsonObject> message(String text) {
    return Future.succeededFuture(new JsonObject().put("message", text));
  }

  /** {@code host} or {@code host:port} as given to {@code peer probe}. */
  record HostPort(String host, int port) {
    static HostPort parse(String spec, int defaultPort) {
      String s = spec.trim();
      int colon = s.lastIndexOf(':');
      if (colon > 0 && s.indexOf(':') == colon) {
        try {
          int port = Integer.parseInt(s.substring(colon + 1));
          if (port < 1 || port > 65535) {
            throw new NumberFormatException();
          }
          return new HostPort(s.substring(0, colon), port);
        } catch (NumberFormatException e) {
          throw MortarException.badRequest("'" + spec + "' is not HOST or HOST:PORT");
        }
      }
      if (s.isEmpty() || s.contains("/") || s.contains(" ")) {
        throw MortarException.badRequest("'" + spec + "' is not a host name or address");
      }
      return new HostPort(s, defaultPort);
    }
  }
}
