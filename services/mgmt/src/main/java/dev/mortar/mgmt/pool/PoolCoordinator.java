package dev.mortar.mgmt.pool;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.api.MortarException;
import dev.mortar.common.config.PoolTunables;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Makes every change to the pool state: one at a time (a cluster-wide lock), only with a majority of the pool
 * connected (so two sides of a partition never both change it and no peer is ever "rejected" later), starting from
 * the newest state any connected peer has, and committed to every connected peer before the change is reported done.
 */
public final class PoolCoordinator {
  private static final Logger LOG = Logger.getLogger(PoolCoordinator.class.getName());
  private static final String LOCK = "mortar.mgmt.change";

  private final MgmtContext ctx;

  public PoolCoordinator(MgmtContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param change   computes the next state from the current one (may do remote checks first)
   * @param notVoting members that do not count for the majority (a peer being detached)
   */
  public Future<PoolState> change(Function<PoolState, Future<PoolState>> change, Set<String> notVoting) {
    try {
      // Fail fast on the minority side of a cut: its cluster lock may hang until Hazelcast drops the lost members.
      checkQuorum(ctx.state().current(), notVoting);
    } catch (MortarException e) {
      return Future.failedFuture(e);
    }
    return ctx.vertx().sharedData().getLockWithTimeout(LOCK, PoolTunables.CHANGE_LOCK_MS.get())
        .recover(e -> Future.failedFuture(MortarException.unavailable(
            "another management change is in progress in the pool; try again")))
        .compose(lock -> catchUp()
            .compose(v -> {
              PoolState cur = ctx.state().current();
              int needed = checkQuorum(cur, notVoting);
              return change.apply(cur).compose(next -> commit(next, needed));
            })
            .andThen(ar -> lock.release()));
  }

  /** Adopts the state of a connected peer that is ahead of us (we may have been away). */
  public Future<Void> catchUp() {
    PoolState cur = ctx.state().current();
    for (Peer p : cur.members()) {
      if (ctx.peers().isConnected(p.uuid())
          && ctx.peers().lastHeartbeat(p.uuid()).map(h -> h.generation() > cur.generation()).orElse(false)) {
        return fetchFrom(p.uuid()).compose(s -> ctx.state().adopt(s, false)).compose(s -> catchUp());
      }
    }
    return Future.succeededFuture();
  }

  public Future<PoolState> fetchFrom(String nodeUuid) {
    return ctx.vertx().eventBus().<JsonObject>request(Addresses.mgmt(nodeUuid), new JsonObject(),
            new DeliveryOptions().addHeader(MgmtOp.HEADER, MgmtOp.STATE_GET.name()).setSendTimeout(PoolTunables.COMMIT_MS.get()))
        .map(m -> PoolState.fromJson(m.body().getJsonObject("state")));
  }

  /** Returns how many nodes must take the change: a majority of the voting members. */
  private int checkQuorum(PoolState cur, Set<String> notVoting) {
    List<Peer> voters = cur.members().stream().filter(p -> !notVoting.contains(p.uuid())).toList();
    List<Peer> down = voters.stream().filter(p -> !ctx.isConnected(p.uuid())).toList();
    int needed = voters.size() / 2 + 1;
    if (voters.size() - down.size() < needed) {
      throw MortarException.unavailable("this change needs a majority of the pool: " + (voters.size() - down.size())
          + " of " + voters.size() + " nodes are connected (Disconnected: "
          + down.stream().map(Peer::hostname).collect(Collectors.joining(", "))
          + "); bring them back, or detach a dead peer with 'peer detach HOST force'");
    }
    return needed;
  }

  /**
   * Saves the state here, then on every connected member; fails if fewer than {@code needed} took it. (A node
   * that is joining is not counted: it took the state already and is restarting into the cluster.)
   */
  private Future<PoolState> commit(PoolState next, int needed) {
    return ctx.state().adopt(next, true).compose(adopted -> {
      List<Future<?>> acks = new ArrayList<>();
      for (Peer p : next.members()) {
        if (!p.uuid().equals(ctx.uuid()) && ctx.peers().isConnected(p.uuid())) {
          acks.add(ctx.vertx().eventBus().request(Addresses.mgmt(p.uuid()),
              new JsonObject().put("state", next.toJson()),
              new DeliveryOptions().addHeader(MgmtOp.HEADER, MgmtOp.STATE_COMMIT.name())
                  .setSendTimeout(PoolTunables.COMMIT_MS.get())));
        }
      }
      return Future.join(acks).transform(ar -> {
        long ok = 1 + acks.stream().filter(Future::succeeded).count();
        acks.stream().filter(Future::failed).forEach(f -> LOG.warning("a peer did not take generation "
            + next.generation() + " now (" + f.cause().getMessage() + "); it catches up when it is back"));
        if (ok < needed) {
          return Future.failedFuture(MortarException.unavailable("the change reached only " + ok + " of "
              + next.members().size() + " nodes; it spreads to the others when they are back"));
        }
        return Future.succeededFuture(next);
      });
    });
  }
}
