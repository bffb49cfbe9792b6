package dev.mortar.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.mortar.common.brick.BrickFrameCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Starts a clustered Vert.x over Hazelcast: TCP/IP join with an explicit member list (never multicast), one pool
 * per cluster name, and failure detection tuned from Hazelcast's minutes down to seconds.
 */
public final class ClusterBootstrap {
  private static final Logger LOG = Logger.getLogger(ClusterBootstrap.class.getName());
  /** Cluster name prefix; the pool ID follows, so nodes of two pools never merge. */
  public static final String CLUSTER_NAME_PREFIX = "mortar-";

  private ClusterBootstrap() {}

  /**
   * @param members  {@code host:port} of every other pool member's Hazelcast port
   * @param liteMember true for a process that joins to talk but holds no cluster data (a mount)
   */
  public static Future<Vertx> start(String host, int clusterPort, int eventBusPort, String poolId,
                                    List<String> members, boolean liteMember, MeterRegistry registry) {
    String ip;
    try {
      ip = InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(new IllegalArgumentException("cannot resolve this node's host '" + host
          + "'; set --host to a name or address of this machine"));
    }
    Config hz = hazelcastConfig(ip, clusterPort, poolId, members, liteMember);
    EventBusOptions eb = new EventBusOptions()
        .setHost(ip).setPort(eventBusPort).setClusterPublicHost(ip).setClusterPublicPort(eventBusPort)
        // A cut-off peer must fail requests fast, not after the 60 s TCP connect default.
        .setConnectTimeout(2000)
        .setClusterPingInterval(2000).setClusterPingReplyInterval(2000);
    // Netty's epoll transport where it loads (Linux x86-64): an event-bus message costs fewer system calls than
    // with Java NIO's selector, and a small-file create is about six messages. Elsewhere NIO, as before.
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true).setEventBusOptions(eb)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
        .onSuccess(BrickFrameCodec::register)
        .onSuccess(vertx -> {
          if (!vertx.isNativeTransportEnabled()) {
            LOG.info("Netty's native transport did not load (" + vertx.unavailableNativeTransportCause()
                + "); the event bus uses Java NIO, which costs more CPU per message");
          }
        });
  }

  static Config hazelcastConfig(String ip, int port, String poolId, List<String> members, boolean liteMember) {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* map settings Vert.x relies on
    hz.setClusterName(CLUSTER_NAME_PREFIX + poolId);
    hz.setLiteMember(liteMember);
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Several nodes share one machine on different loopback addresses: bind only our own address.
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.local.localAddress", ip);
    // Join in about a second instead of 5-12 s.
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "1");
    // Failure detection: a silent member leaves after 5 s (default 60 s) ...
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // ... and a healed partition becomes one cluster again within seconds (default: first try after 300 s).
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "1");
    // A cut shorter than those 5 s removes nobody, so nothing fails an operation whose answer it lost: give up on
    // it after 10 s (default 60 s). CI saw the event bus's address lookups hang 60 s after a 4 s cut, and every
    // request to a brick of the cut node with them.
    hz.setProperty("hazelcast.operation.call.timeout.millis", "10000");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false).setPublicAddress(ip + ":" + port);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members);
    return hz;
  }

  /** Tests whether a Vert.x cluster node ID is in this node's current cluster view. */
  public static java.util.function.Predicate<String> membership(Vertx vertx) {
    var cm = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    return nodeId -> nodeId != null && cm.getNodes().contains(nodeId);
  }

  /** The Hazelcast join list of a running node, to be told of members probed after it started. */
  public static void addMember(Vertx vertx, String hostPort) {
    if (vertx instanceof io.vertx.core.internal.VertxInternal vi
        && vi.clusterManager() instanceof HazelcastClusterManager cm && cm.getConfig() != null) {
      var tcp = cm.getConfig().getNetworkConfig().getJoin().getTcpIpConfig();
      if (!tcp.getMembers().contains(hostPort)) {
        tcp.addMember(hostPort); // read again by the split-brain merge search, so a healed cut finds new peers
      }
    }
  }
}
