package dev.mortar.brick;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3Location;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.server.BlameTracker;
import dev.mortar.brick.server.BrickEndpoint;
import dev.mortar.brick.server.BrickInfo;
import dev.mortar.brick.server.BrickService;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.config.BrickTunables;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Serves one brick of a started volume on the event bus ({@link Addresses#brick}): listens at once
 * ({@link BrickEndpoint}), opens the brick's storage (again and again while its object store is not up yet) and then
 * serves it ({@link BrickService}), on a worker pool of the brick's own. Deployed by the node when the volume starts,
 * undeployed when it stops.
 */
public final class BrickVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(BrickVerticle.class.getName());

  private final String volumeId;
  private final int index;
  private final S3Config s3;
  private final BrickInfo info;
  private final MeterRegistry registry;
  private final BlameTracker blames = new BlameTracker();
  /** Null while the brick's object store has not answered since the brick started. */
  private volatile BrickStorage storage;
  private BrickEndpoint endpoint;
  private WorkerExecutor workers;
  private long reopenTimer = -1;
  private long blameTimer = -1;
  private long storeTimer = -1;
  private long roomTimer = -1;
  /** Bytes free for writes as of the last look, or -1 before the first. */
  private volatile long availBytes = -1;
  private boolean storeWasOnline = true;
  private boolean reopening;

  /** A brick on local disk. @param port the node's event-bus port, which is where this brick is reached */
  public BrickVerticle(String volumeName, String volumeId, int index, Path path, String brickName, int port,
                       MeterRegistry registry) {
    this(volumeName, volumeId, index, path.toString(), brickName, port, registry, null);
  }

  /**
   * @param location a directory, or {@code s3://BUCKET/PREFIX} for a brick in an object store
   * @param s3       the node's object store settings (for s3:// locations)
   */
  public BrickVerticle(String volumeName, String volumeId, int index, String location, String brickName, int port,
                       MeterRegistry registry, S3Config s3) {
    this.volumeId = volumeId;
    this.index = index;
    this.s3 = s3;
    this.info = new BrickInfo(volumeName, brickName, location, port);
    this.registry = registry;
  }

  private boolean inObjectStore() {
    return S3Location.isS3(info.location());
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor("mortar-brick-" + volumeId + "-" + index,
        (inObjectStore() ? BrickTunables.S3_WORKERS : BrickTunables.WORKERS).getInt());
    endpoint = new BrickEndpoint(vertx, info, registry);
    // Listening first: until the storage is open, requests are answered "offline" rather than not at all.
    return endpoint.listen(Addresses.brick(volumeId, index))
        .compose(v -> openStorage().recover(e -> {
          if (!storeUnreachable(e)) {
            return Future.failedFuture(e);
          }
          // An object store that is not up yet (a node started before its MinIO): offline, open once it is.
          LOG.warning("brick " + info.brickName() + " of volume " + info.volumeName() + " is offline: "
              + e.getMessage() + "; it opens as soon as its object store answers");
          reopenTimer = vertx.setPeriodic(BrickTunables.REOPEN_MS.get(), id -> {
            if (!reopening) { // an open can outlast the period: never two at once
              reopening = true;
              openStorage().onComplete(ar -> {
                reopening = false;
                if (ar.succeeded()) {
                  vertx.cancelTimer(id);
                }
              });
            }
          });
          return Future.succeededFuture();
        }))
        .onFailure(e -> LOG.severe("brick " + info.brickName() + " cannot start: " + e.getMessage()
            + "; fix it and run 'mortar volume start " + info.volumeName() + " force'"));
  }

  /** Opens the storage (on a worker), then serves it: blame summary built, healers told the brick is online. */
  private Future<Void> openStorage() {
    return workers.executeBlocking(() -> {
      BrickStorage s = BrickStorages.open(info.location(), volumeId, s3, registry, info.volumeName(),
          info.brickName());
      blames.rebuild(s);
      return s;
    }).onSuccess(s -> {
      storage = s;
      endpoint.serve(new BrickService(context, workers, s, blames, info, () -> availBytes, registry));
      LOG.info("brick " + info.brickName() + " of volume " + info.volumeName() + " online");
      announceOnline();
      // A brick whose object store comes back is online again: the healers are told at once, as at a start.
      storeTimer = vertx.setPeriodic(BrickTunables.STORE_CHECK_MS.get(), t -> {
        boolean now = s.online();
        if (now && !storeWasOnline) {
          announceOnline();
        }
        storeWasOnline = now;
      });
      if (!inObjectStore()) { // a bucket has no fixed size: its room is not told
        lookAtRoom();
        roomTimer = vertx.setPeriodic(BrickTunables.ROOM_CHECK_MS.get(), t -> lookAtRoom());
      }
      blameTimer = vertx.setPeriodic(BrickTunables.BLAME_REBUILD_MS.get(), t -> workers.executeBlocking(() -> {
        blames.rebuild(storage);
        return null;
      }, false).onFailure(e -> LOG.fine("blame summary of " + info.brickName() + " not rebuilt: " + e)));
    }).mapEmpty();
  }

  /** statfs(2) on a worker: a disk that hangs must not hold the event loop that answers STATUS. */
  private void lookAtRoom() {
    workers.executeBlocking(() -> {
      BrickStorage.FsStats f = storage.statfs();
      return f.blocksAvailable() * f.blockSize();
    }, false).onSuccess(b -> availBytes = b)
        .onFailure(e -> LOG.fine("room left on " + info.brickName() + " unknown: " + e));
  }

  private void announceOnline() {
    vertx.eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(volumeId, "brick " + info.brickName() + " online")
        .toJson());
  }

  private static boolean storeUnreachable(Throwable e) {
    return e instanceof BrickException b && b.errno() == Errno.ENOTCONN;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reopenTimer);
    vertx.cancelTimer(blameTimer);
    vertx.cancelTimer(storeTimer);
    vertx.cancelTimer(roomTimer);
    if (storage != null) {
      storage.close();
    }
    return workers == null ? Future.succeededFuture() : workers.close();
  }
}
