package dev.mortar.mgmt.pool;

import dev.mortar.common.api.Heartbeat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Which peers are Connected: those whose heartbeat arrived over the event bus in the last
 * {@link Heartbeat#TIMEOUT_MS} and that are members of this node's cluster view. The heartbeat proves that
 * event-bus messages get through; the membership check keeps a peer Disconnected while a healed partition is
 * still merging (heartbeats can cross over stale routes before requests and replies work again).
 */
public final class PeerTracker {
  private final Map<String, Heartbeat> last = new ConcurrentHashMap<>();
  private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final Predicate<String> inClusterView;

  public PeerTracker(LongSupplier clock, Predicate<String> inClusterView) {
    this.clock = clock;
    this.inClusterView = inClusterView;
  }

  /** Records a heartbeat; true when the peer was not connected before (it came back or is new). */
  public boolean seen(Heartbeat hb) {
    boolean wasConnected = isConnected(hb.node());
    last.put(hb.node(), hb);
    seenAt.put(hb.node(), clock.getAsLong());
    return !wasConnected;
  }

  public boolean isConnected(String uuid) {
    Long t = seenAt.get(uuid);
    return t != null && clock.getAsLong() - t < Heartbeat.TIMEOUT_MS
        && inClusterView.test(last.get(uuid).clusterNode());
  }

  public Optional<Heartbeat> lastHeartbeat(String uuid) {
    return Optional.ofNullable(last.get(uuid));
  }

  public void forget(String uuid) {
    last.remove(uuid);
    seenAt.remove(uuid);
  }
}
