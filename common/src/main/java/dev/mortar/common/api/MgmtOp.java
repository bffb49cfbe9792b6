package dev.mortar.common.api;

/**
 * Operations of the management service, sent as the {@code op} header of a request to {@link Addresses#mgmt}.
 * The body is a JSON object; the reply is a JSON object, or a failure whose code is an {@link ErrorCode}.
 *
 * <p>The public operations mirror the HTTP admin API one for one (see README, "Admin API"): the HTTP layer only
 * translates, so any node's management service answers for the whole pool.
 */
public enum MgmtOp {
  // Pool
  NODE_INFO, PEER_PROBE, PEER_DETACH, PEER_STATUS, POOL_LIST,
  // Volumes
  VOLUME_CREATE, VOLUME_START, VOLUME_STOP, VOLUME_DELETE, VOLUME_INFO, VOLUME_LIST, VOLUME_STATUS,
  VOLUME_SET, VOLUME_GET, VOLUME_RESET,
  /** What a client needs to mount a volume: the pool to join and the volume layout (GlusterFS's volfile). */
  VOLUME_MOUNT_INFO,
  /** The heal index of every brick of a volume: what is waiting for heal, per brick (GlusterFS's heal info). */
  VOLUME_HEAL_INFO,
  /** Heal now what the heal indexes name ({@code full}: compare every file, for bricks replaced or wiped). */
  VOLUME_HEAL,
  /** Resolve a split-brain the way a person chooses (bigger-file, latest-mtime, source-brick). */
  VOLUME_SPLIT_BRAIN,
  // Between management services only
  /** Returns this node's whole pool state. */
  STATE_GET,
  /** Carries a new pool state to adopt: {@code {"state":{...}}}. */
  STATE_COMMIT,
  /** Sent (over HTTP, the node is not in the cluster yet) to a probed node: adopt this pool state and join. */
  POOL_JOIN,
  /** Tells a detached node to leave the pool and start a pool of its own. */
  POOL_LEAVE,
  /** Asks a brick's node whether a brick path can be used: {@code {"path":..,"volumeId":..}}. */
  BRICK_CHECK;

  public static final String HEADER = "op";
  /**
   * {@link #VOLUME_MOUNT_INFO}: the address the mount's request came from, set by the admin API from the connection
   * (never from the request body), checked against {@code auth.allow}.
   */
  public static final String MOUNT_CLIENT = "client";
}
