package dev.mortar.common.api;

/**
 * Every event-bus address Mortar uses. Services never build an address string themselves.
 *
 * <p>Point-to-point addresses carry a node UUID so that a request goes to one node's service;
 * {@code mortar.events.*} addresses are published to every node.
 */
public final class Addresses {
  /** Published every {@code HEARTBEAT_INTERVAL_MS} by each node's management service: a {@link Heartbeat}. */
  public static final String EVENTS_HEARTBEAT = "mortar.events.heartbeat";
  /** Published after a node adopted a new pool state: {@code {"node":uuid,"generation":n}}. */
  public static final String EVENTS_STATE = "mortar.events.state";

  /** Published when healing should start at once: a {@link HealEvent}. */
  public static final String EVENTS_HEAL = "mortar.events.heal";

  /**
   * Published on this node only (never across the cluster) when it sees a peer become Connected: services
   * register their addresses again, in case a healed partition's merge dropped them.
   */
  public static final String LOCAL_PEER_CONNECTED = "mortar.local.peer-connected";

  private Addresses() {}

  /** The management service of one node; requests are JSON with an {@link MgmtOp} in the {@code op} header. */
  public static String mgmt(String nodeUuid) {
    return "mortar.mgmt." + nodeUuid;
  }

  /** The self-heal service of one node: requests are JSON with a {@link HealerOp} in {@code op}. */
  public static String healer(String nodeUuid) {
    return "mortar.healer." + nodeUuid;
  }

  /** One brick service: a volume's brick, identified by the volume ID and the brick's index in the volume. */
  public static String brick(String volumeId, int brickIndex) {
    return "mortar.brick." + volumeId + "." + brickIndex;
  }
}
