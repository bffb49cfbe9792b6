package dev.mortar.mgmt.pool;

import dev.mortar.common.config.NodeConfig;
import dev.mortar.common.model.Peer;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * What the management service's parts share on one node.
 *
 * @param rejoin restarts the node's cluster membership after its pool changed (joined or left a pool)
 */
public record MgmtContext(Vertx vertx, String uuid, NodeConfig config, StateHolder state, PeerTracker peers,
                          MeterRegistry registry, Runnable rejoin) {

  /** This node as a pool member. */
  public Peer self() {
    return new Peer(uuid, config.host(), config.adminPort(), config.clusterPort());
  }

  public boolean isConnected(String nodeUuid) {
    return nodeUuid.equals(uuid) || peers.isConnected(nodeUuid);
  }
}
