package dev.mortar.mgmt;

import dev.mortar.common.cluster.ClusterBootstrap;
import dev.mortar.common.config.NodeConfig;
import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import dev.mortar.mgmt.http.AdminHttpVerticle;
import dev.mortar.mgmt.http.MgmtMetrics;
import dev.mortar.mgmt.pool.MgmtContext;
import dev.mortar.mgmt.pool.PeerTracker;
import dev.mortar.mgmt.pool.StateHolder;
import dev.mortar.mgmt.pool.StateStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code mortar node} process: its state directory, its metrics registry, and a clustered Vert.x that is
 * started again whenever the node joins or leaves a pool (the Hazelcast cluster name is the pool ID).
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Node.class.getName());
  private static final long START_TIMEOUT_S = 120;

  private final NodeConfig config;
  private final StateStore store;
  private final String uuid;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MgmtMetrics metrics;
  private volatile Vertx vertx;
  private volatile MgmtContext ctx;

  private Node(NodeConfig config, StateStore store, String uuid) {
    this.config = config;
    this.store = store;
    this.uuid = uuid;
    this.metrics = new MgmtMetrics(registry, () -> ctx);
  }

  /** Starts the node and returns once its admin API answers. */
  public static Node start(NodeConfig config) throws Exception {
    StateStore store = StateStore.open(config.stateDir());
    Node node = new Node(config, store, store.nodeUuid());
    try {
      node.startCluster();
    } catch (Exception e) {
      node.close();
      throw e;
    }
    return node;
  }

  public String uuid() {
    return uuid;
  }

  private synchronized void startCluster() throws Exception {
    Peer self = new Peer(uuid, config.host(), config.adminPort(), config.clusterPort());
    PoolState state = store.loadPool().orElse(null);
    if (state == null) {
      state = PoolState.alone(self);
      store.savePool(state);
    }
    List<String> members = state.members().stream().filter(p -> !p.uuid().equals(uuid))
        .map(p -> p.hostname() + ":" + p.clusterPort()).toList();
    LOG.info("node " + uuid + " starting as " + config.host() + " in pool " + state.poolId() + " (generation "
        + state.generation() + ", " + members.size() + " peers)");
    Vertx v = await(ClusterBootstrap.start(config.host(), config.clusterPort(), config.eventBusPort(),
        state.poolId(), members, false, registry));
    vertx = v;
    MgmtContext c = new MgmtContext(v, uuid, config, new StateHolder(v, store, state),
        new PeerTracker(System::currentTimeMillis, ClusterBootstrap.membership(v)), registry, this::rejoin);
    ctx = c;
    await(v.deployVerticle(new MgmtVerticle(c)));
    await(v.deployVerticle(new AdminHttpVerticle(c, metrics)));
  }

  /** After joining or leaving a pool: leave the old cluster, join the new one. Runs off the event loop. */
  private void rejoin() {
    Thread t = new Thread(() -> {
      try {
        synchronized (this) {
          LOG.info("restarting cluster membership for the new pool");
          await(vertx.close());
          startCluster();
        }
      } catch (Exception e) {
        LOG.log(Level.SEVERE, "cannot rejoin the cluster; restart this node", e);
      }
    }, "mortar-rejoin");
    t.start();
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  @Override
  public synchronized void close() throws Exception {
    if (vertx != null) {
      await(vertx.close());
      vertx = null;
    }
    store.close();
  }
}
