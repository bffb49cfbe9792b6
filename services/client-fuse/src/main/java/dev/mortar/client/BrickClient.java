package dev.mortar.client;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.model.Brick;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One brick of the mounted volume, as the client sees it: requests with a timeout of {@code network.ping-timeout},
 * and whether the brick is up. A brick that does not answer in time is marked down, and the replica set goes on
 * without it; a background probe marks it up again.
 */
final class BrickClient {
  private static final Logger LOG = Logger.getLogger(BrickClient.class.getName());

  final int index;
  final Brick brick;
  final boolean local;
  private final Vertx vertx;
  private final String volumeId;
  private final String address;
  private volatile long timeoutMs;
  private volatile boolean up = true;
  /** This brick was down at some time during this mount: it may have missed writes until healed. */
  private volatile boolean missedWrites;
  private volatile Set<Integer> blames = Set.of();
  /** Where the brick reported its root's device:inode (a local directory). */
  private volatile String rootId;
  /** Set where the brick is a directory on this host: reads may go to its files directly. */
  private volatile LocalBrickFiles localFiles;

  BrickClient(Vertx vertx, String volumeId, int index, Brick brick, boolean local, long timeoutMs) {
    this.vertx = vertx;
    this.index = index;
    this.brick = brick;
    this.local = local;
    this.volumeId = volumeId;
    this.address = Addresses.brick(volumeId, index);
    this.timeoutMs = timeoutMs;
  }

  /** Follows {@code network.ping-timeout} when it is changed with {@code volume set}. */
  void timeout(long ms) {
    timeoutMs = ms;
  }

  boolean isUp() {
    return up;
  }

  /** This brick was down during this mount and may have missed this client's writes. */
  boolean missedWrites() {
    return missedWrites;
  }

  /** Heal is done with it: no live brick blames it any more. */
  void healed() {
    missedWrites = false;
    LOG.info("brick " + brick.name() + " is healed; reading from it again");
  }

  void localFiles(LocalBrickFiles files) {
    localFiles = files;
  }

  /** File data read on this host without a request, or null: ask the brick. */
  Buffer readLocally(String path, long offset, int size) {
    LocalBrickFiles files = localFiles;
    return files == null ? null : files.read(rootId, path, offset, size);
  }

  /** The brick's directory where it is on this host, or null. */
  LocalBrickFiles localFiles() {
    return localFiles;
  }

  /** The device:inode the brick reported for its root. */
  String rootId() {
    return rootId;
  }

  /** The bricks this brick holds changes for that they missed, as of its last status. */
  Set<Integer> blames() {
    return blames;
  }

  Future<BrickFrame> call(BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    return call(op, path, fields, data, timeoutMs);
  }

  /** A request that may wait longer than the ping timeout by design (a lock held by another writer). */
  Future<BrickFrame> call(BrickOp op, String path, Consumer<JsonObject> fields, Buffer data, long timeoutMs) {
    return BrickRequests.send(vertx, address, op, path, fields, data, timeoutMs).onFailure(e -> {
      if (e instanceof BrickException b && b.errno() == Errno.ENOTCONN) {
        markDown(e.getMessage());
      }
    });
  }

  void markDown(String why) {
    if (up) {
      up = false;
      missedWrites = true;
      LOG.warning("brick " + brick.name() + " is down (" + why + "); writing on without it, it is healed later");
    }
  }

  /** Asks the brick whether it is up, and whom it blames. */
  Future<Void> probe() {
    return call(BrickOp.STATUS, "/", h -> { }, Buffer.buffer()).onSuccess(f -> {
      Set<Integer> now = new HashSet<>();
      f.header().getJsonArray(BrickFields.BLAMES, new JsonArray()).forEach(i -> now.add(((Number) i).intValue()));
      blames = Set.copyOf(now);
      rootId = f.header().getString(BrickFields.ROOT_ID);
      if (!up) {
        up = true;
        LOG.info("brick " + brick.name() + " is up again");
        // It may have missed writes of this client: the healers need not wait for their next sweep.
        vertx.eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(volumeId, "client saw brick "
            + brick.name() + " again").toJson());
      }
    }).mapEmpty();
  }
}
