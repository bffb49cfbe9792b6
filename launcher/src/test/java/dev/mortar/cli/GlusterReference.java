package dev.mortar.cli;

/**
 * Outputs of GlusterFS 10.3, copied byte for byte from reference/gluster-cli-output.md (trailing spaces, tabs and
 * blank lines included), with the product name changed where it appears: "Gluster process" becomes "Mortar process"
 * padded to the same width, "gluster configuration" "mortar configuration", "gluster daemon" "mortar node".
 * Generated from the reference; do not edit by hand.
 */
public final class GlusterReference {
  private GlusterReference() {}

  /** {@code mortar peer status}, stdout. */
  public static final String PEER_STATUS_NONE =
      "Number of Peers: 0\n";

  /** {@code mortar pool list}, stdout. */
  public static final String POOL_LIST_ALONE =
      "UUID\t\t\t\t\tHostname \tState\n"
      + "b3d1f64f-cd41-4ed2-825d-4efd0d46a1fa\tlocalhost\tConnected \n";

  /** {@code mortar peer probe n2}, stdout. */
  public static final String PEER_PROBE_SUCCESS =
      "peer probe: success\n";

  /** {@code mortar peer probe n2}, stdout; probing a host that is already a peer. */
  public static final String PEER_PROBE_ALREADY =
      "peer probe: Host n2 port 24007 already in peer list\n";

  /** {@code mortar peer probe n1}, stdout; probing yourself. */
  public static final String PEER_PROBE_SELF =
      "peer probe: Probe on localhost not needed\n";

  /** {@code mortar peer probe nosuchhost}, stderr; name that does not resolve. */
  public static final String PEER_PROBE_FAILED =
      "peer probe: failed: Probe returned with Transport endpoint is not connected\n";

  /** {@code mortar peer status}, stdout. */
  public static final String PEER_STATUS_TWO =
      "Number of Peers: 2\n"
      + "\n"
      + "Hostname: n2\n"
      + "Uuid: c36743ec-33cd-4751-b32a-31466ad5aebf\n"
      + "State: Peer in Cluster (Connected)\n"
      + "\n"
      + "Hostname: n3\n"
      + "Uuid: 5336734d-b438-4ef8-b5b7-f57c471cceb5\n"
      + "State: Peer in Cluster (Connected)\n";

  /** {@code mortar pool list}, stdout. */
  public static final String POOL_LIST_THREE =
      "UUID\t\t\t\t\tHostname \tState\n"
      + "c36743ec-33cd-4751-b32a-31466ad5aebf\tn2       \tConnected \n"
      + "5336734d-b438-4ef8-b5b7-f57c471cceb5\tn3       \tConnected \n"
      + "b3d1f64f-cd41-4ed2-825d-4efd0d46a1fa\tlocalhost\tConnected \n";

  /** {@code mortar volume create my-volume replica 2 ...}, stderr. */
  public static final String VOLUME_CREATE_FAILED =
      "volume create: my-volume: failed: The brick n1:/srv/brick is being created in the root "
      + "partition. It is recommended that you don't use the system's root partition for storage "
      + "backend. Or use 'force' at the end of the command if you want to override this behavior.\n";

  /** {@code mortar volume create my-volume replica 2 ...}, stdout; with force. */
  public static final String VOLUME_CREATE_SUCCESS =
      "volume create: my-volume: success: please start the volume to access data\n";

  /** {@code mortar volume info my-volume}, stdout. */
  public static final String VOLUME_INFO_MY_VOLUME =
      " \n"
      + "Volume Name: my-volume\n"
      + "Type: Replicate\n"
      + "Volume ID: 2a6b79de-64ae-460f-a19f-1f029834808d\n"
      + "Status: Created\n"
      + "Snapshot Count: 0\n"
      + "Number of Bricks: 1 x 2 = 2\n"
      + "Transport-type: tcp\n"
      + "Bricks:\n"
      + "Brick1: n1:/srv/brick\n"
      + "Brick2: n2:/srv/brick\n"
      + "Options Reconfigured:\n"
      + "cluster.granular-entry-heal: on\n"
      + "storage.fips-mode-rchecksum: on\n"
      + "transport.address-family: inet\n"
      + "nfs.disable: on\n"
      + "performance.client-io-threads: off\n";

  /** {@code mortar volume start my-volume}, stdout. */
  public static final String VOLUME_START_SUCCESS =
      "volume start: my-volume: success\n";

  /** {@code mortar volume start my-volume}, stderr. */
  public static final String VOLUME_START_FAILED =
      "volume start: my-volume: failed: Volume my-volume already started\n";

  /** {@code mortar volume list}, stdout. */
  public static final String VOLUME_LIST =
      "my-volume\n"
      + "vol3\n"
      + "volarb\n";

  /** {@code mortar volume info}, stdout; all volumes. */
  public static final String VOLUME_INFO_ALL =
      " \n"
      + "Volume Name: my-volume\n"
      + "Type: Replicate\n"
      + "Volume ID: 2a6b79de-64ae-460f-a19f-1f029834808d\n"
      + "Status: Started\n"
      + "Snapshot Count: 0\n"
      + "Number of Bricks: 1 x 2 = 2\n"
      + "Transport-type: tcp\n"
      + "Bricks:\n"
      + "Brick1: n1:/srv/brick\n"
      + "Brick2: n2:/srv/brick\n"
      + "Options Reconfigured:\n"
      + "cluster.granular-entry-heal: on\n"
      + "storage.fips-mode-rchecksum: on\n"
      + "transport.address-family: inet\n"
      + "nfs.disable: on\n"
      + "performance.client-io-threads: off\n"
      + " \n"
      + "Volume Name: vol3\n"
      + "Type: Replicate\n"
      + "Volume ID: f2fbd23c-df31-44ce-8d11-0c43b93467c8\n"
      + "Status: Started\n"
      + "Snapshot Count: 0\n"
      + "Number of Bricks: 1 x 3 = 3\n"
      + "Transport-type: tcp\n"
      + "Bricks:\n"
      + "Brick1: n1:/srv/b3\n"
      + "Brick2: n2:/srv/b3\n"
      + "Brick3: n3:/srv/b3\n"
      + "Options Reconfigured:\n"
      + "cluster.granular-entry-heal: on\n"
      + "storage.fips-mode-rchecksum: on\n"
      + "transport.address-family: inet\n"
      + "nfs.disable: on\n"
      + "performance.client-io-threads: off\n"
      + " \n"
      + "Volume Name: volarb\n"
      + "Type: Replicate\n"
      + "Volume ID: f6d6c1c4-c0eb-4440-b141-8896f1f9745d\n"
      + "Status: Started\n"
      + "Snapshot Count: 0\n"
      + "Number of Bricks: 1 x (2 + 1) = 3\n"
      + "Transport-type: tcp\n"
      + "Bricks:\n"
      + "Brick1: n1:/srv/ba\n"
      + "Brick2: n2:/srv/ba\n"
      + "Brick3: n3:/srv/ba-arbiter (arbiter)\n"
      + "Options Reconfigured:\n"
      + "cluster.granular-entry-heal: on\n"
      + "storage.fips-mode-rchecksum: on\n"
      + "transport.address-family: inet\n"
      + "nfs.disable: on\n"
      + "performance.client-io-threads: off\n";

  /** {@code mortar volume status my-volume}, stdout. */
  public static final String VOLUME_STATUS_MY_VOLUME =
      "Status of volume: my-volume\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/brick                         56175     0          Y       21720\n"
      + "Brick n2:/srv/brick                         50457     0          Y       21747\n"
      + "Self-heal Daemon on localhost               N/A       N/A        Y       21737\n"
      + "Self-heal Daemon on n2                      N/A       N/A        Y       21776\n"
      + "Self-heal Daemon on n3                      N/A       N/A        Y       21761\n"
      + " \n"
      + "Task Status of Volume my-volume\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n";

  /** {@code mortar volume status}, stdout; all volumes. */
  public static final String VOLUME_STATUS_ALL =
      "Status of volume: my-volume\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/brick                         56175     0          Y       21720\n"
      + "Brick n2:/srv/brick                         50457     0          Y       21747\n"
      + "Self-heal Daemon on localhost               N/A       N/A        Y       21737\n"
      + "Self-heal Daemon on n2                      N/A       N/A        Y       21776\n"
      + "Self-heal Daemon on n3                      N/A       N/A        Y       21761\n"
      + " \n"
      + "Task Status of Volume my-volume\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n"
      + "Status of volume: vol3\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/b3                            53413     0          Y       21875\n"
      + "Brick n2:/srv/b3                            59606     0          Y       21896\n"
      + "Brick n3:/srv/b3                            55615     0          Y       21893\n"
      + "Self-heal Daemon on localhost               N/A       N/A        Y       21737\n"
      + "Self-heal Daemon on n2                      N/A       N/A        Y       21776\n"
      + "Self-heal Daemon on n3                      N/A       N/A        Y       21761\n"
      + " \n"
      + "Task Status of Volume vol3\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n"
      + "Status of volume: volarb\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/ba                            53021     0          Y       22000\n"
      + "Brick n2:/srv/ba                            50950     0          Y       22019\n"
      + "Brick n3:/srv/ba-arbiter                    57223     0          Y       22018\n"
      + "Self-heal Daemon on localhost               N/A       N/A        Y       21737\n"
      + "Self-heal Daemon on n2                      N/A       N/A        Y       21776\n"
      + "Self-heal Daemon on n3                      N/A       N/A        Y       21761\n"
      + " \n"
      + "Task Status of Volume volarb\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n";

  /** {@code mortar volume info nosuchvol}, stderr. */
  public static final String VOLUME_INFO_MISSING =
      "Volume nosuchvol does not exist\n";

  /** {@code mortar volume status nosuchvol}, stderr. */
  public static final String VOLUME_STATUS_MISSING =
      "Volume nosuchvol does not exist\n";

  /** {@code mortar volume get my-volume cluster.quorum-type}, stdout. */
  public static final String VOLUME_GET_QUORUM_TYPE =
      "Option                                   Value                                  \n"
      + "------                                   -----                                  \n"
      + "cluster.quorum-type                      none (DEFAULT)                         \n";

  /** {@code mortar volume set my-volume cluster.quorum-type auto}, stdout. */
  public static final String VOLUME_SET_SUCCESS =
      "volume set: success\n";

  /** {@code mortar volume reset my-volume cluster.quorum-type}, stdout. */
  public static final String VOLUME_RESET_SUCCESS =
      "volume reset: success: reset volume successful\n";

  /** {@code mortar peer status}, stdout; n2 unreachable. */
  public static final String PEER_STATUS_N2_DOWN =
      "Number of Peers: 2\n"
      + "\n"
      + "Hostname: n2\n"
      + "Uuid: c36743ec-33cd-4751-b32a-31466ad5aebf\n"
      + "State: Peer in Cluster (Disconnected)\n"
      + "\n"
      + "Hostname: n3\n"
      + "Uuid: 5336734d-b438-4ef8-b5b7-f57c471cceb5\n"
      + "State: Peer in Cluster (Connected)\n";

  /** {@code mortar pool list}, stdout. */
  public static final String POOL_LIST_N2_DOWN =
      "UUID\t\t\t\t\tHostname \tState\n"
      + "c36743ec-33cd-4751-b32a-31466ad5aebf\tn2       \tDisconnected \n"
      + "5336734d-b438-4ef8-b5b7-f57c471cceb5\tn3       \tConnected \n"
      + "b3d1f64f-cd41-4ed2-825d-4efd0d46a1fa\tlocalhost\tConnected \n";

  /** {@code mortar volume status my-volume}, stdout. */
  public static final String VOLUME_STATUS_N2_CUT =
      "Status of volume: my-volume\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/brick                         56175     0          Y       21720\n"
      + "Self-heal Daemon on localhost               N/A       N/A        Y       21737\n"
      + "Self-heal Daemon on n3                      N/A       N/A        Y       21761\n"
      + " \n"
      + "Task Status of Volume my-volume\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n";

  /** {@code mortar volume status my-volume}, stdout; n2's brick process killed. */
  public static final String VOLUME_STATUS_BRICK_KILLED =
      "Status of volume: my-volume\n"
      + "Mortar process                              TCP Port  RDMA Port  Online  Pid\n"
      + "------------------------------------------------------------------------------\n"
      + "Brick n1:/srv/brick                         56175     0          Y       21720\n"
      + "Brick n2:/srv/brick                         N/A       N/A        N       N/A  \n"
      + " \n"
      + "Task Status of Volume my-volume\n"
      + "------------------------------------------------------------------------------\n"
      + "There are no active volume tasks\n"
      + " \n";

  /** {@code mortar volume stop vol3}, stdout. */
  public static final String VOLUME_STOP_CONFIRMED =
      "Stopping volume will make its data inaccessible. Do you want to continue? (y/n) volume "
      + "stop: vol3: success\n";

  /** {@code mortar volume delete vol3}, stdout. */
  public static final String VOLUME_DELETE_CONFIRMED =
      "Deleting volume will erase all information about the volume. Do you want to continue? "
      + "(y/n) volume delete: vol3: success\n";

  /** {@code mortar peer detach n3}, stdout; n3 still hosts a brick of volarb. */
  public static final String PEER_DETACH_REFUSED_STDOUT =
      "All clients mounted through the peer which is getting detached need to be remounted using "
      + "one of the other active peers in the trusted storage pool to ensure client gets "
      + "notification on any changes done on the mortar configuration and if the same has been "
      + "done do you want to proceed? (y/n) ";

  /** {@code mortar peer detach n3}, stderr; n3 still hosts a brick of volarb. */
  public static final String PEER_DETACH_REFUSED_STDERR =
      "peer detach: failed: Peer n3 hosts one or more bricks. If the peer is in not recoverable "
      + "state then use either replace-brick or remove-brick command with force to remove all "
      + "bricks from the peer and attempt the peer detach again.\n";

  /** {@code mortar peer detach n3}, stdout. */
  public static final String PEER_DETACH_CONFIRMED =
      "All clients mounted through the peer which is getting detached need to be remounted using "
      + "one of the other active peers in the trusted storage pool to ensure client gets "
      + "notification on any changes done on the mortar configuration and if the same has been "
      + "done do you want to proceed? (y/n) peer detach: success\n";

  /** {@code mortar peer status}, stdout; glusterd not running on this host. */
  public static final String CONNECTION_FAILED =
      "Connection failed. Please check if mortar node is operational.\n";

}
