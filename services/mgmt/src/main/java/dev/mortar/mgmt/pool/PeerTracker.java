package dev.mortar.mgmt.pool;

import dev.mortar.common.api.Heartbeat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  /** Peers whose becoming Connected was reported since they were last away. */
  private final Set<String> announced = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private final Predicate<String> inClusterView;

  public PeerTracker(LongSupplier clock, Predicate<String> inClusterView) {
    this.clock = clock;
    this.inClusterView = inClusterView;
  }

  /**
   * Records a heartbeat; true once each time the peer becomes Connected (it came back, is new, or the partition it
   * was on has merged), so that what waits for it is done once, not on every heartbeat of a merge.
   */
  public boolean seen(Heartbeat hb) {
    long now = clock.getAsLong();
    Long before = seenAt.put(hb.node(), now);
    last.put(hb.node(), hb);
    if (before == null || now - before >= Heartbeat.TIMEOUT_MS) {
      announced.remove(hb.node()); // it was away
    }
    return isConnected(hb.node()) && announced.add(hb.node());
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
    announced.remove(uuid);
  }
}
