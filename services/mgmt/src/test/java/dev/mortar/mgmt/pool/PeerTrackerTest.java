package dev.mortar.mgmt.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.Heartbeat;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeerTrackerTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Set<String> clusterView = new HashSet<>(Set.of("c2"));
  private final PeerTracker tracker = new PeerTracker(now::get, clusterView::contains);

  @Test
  void connectedWhileHeartbeatsArriveDisconnectedAfterTimeout() {
    assertFalse(tracker.isConnected("n2"), "never heard of");
    assertTrue(tracker.seen(new Heartbeat("n2", "c2", "pool", 1)), "first heartbeat: came up");
    assertTrue(tracker.isConnected("n2"));
    now.addAndGet(Heartbeat.TIMEOUT_MS - 1);
    assertTrue(tracker.isConnected("n2"));
    now.addAndGet(2);
    assertFalse(tracker.isConnected("n2"), "silent past the timeout");
    assertTrue(tracker.seen(new Heartbeat("n2", "c2", "pool", 1)), "heard again: came back");
    assertFalse(tracker.seen(new Heartbeat("n2", "c2", "pool", 1)), "already connected");
  }

  @Test
  void heartbeatFromOutsideTheClusterViewIsNotConnected() {
    assertFalse(tracker.seen(new Heartbeat("n3", "c3", "pool", 1)));
    assertFalse(tracker.isConnected("n3"), "a partition that is still merging is not Connected yet");
    now.addAndGet(1000);
    assertFalse(tracker.seen(new Heartbeat("n3", "c3", "pool", 1)), "still merging");
    clusterView.add("c3");
    assertTrue(tracker.isConnected("n3"));
    now.addAndGet(1000);
    assertTrue(tracker.seen(new Heartbeat("n3", "c3", "pool", 1)), "merged: reported once");
    now.addAndGet(1000);
    assertFalse(tracker.seen(new Heartbeat("n3", "c3", "pool", 1)), "and only once");
  }
}
