package dev.mortar.brick;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3Location;
import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.storage.BrickStorages;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.HealEvent;
import dev.mortar.common.cluster.ServiceRegistration;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.VolumePaths;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves one brick of a started volume on the event bus ({@link Addresses#brick}), speaking {@link BrickOp}.
 * Deployed by the node when the volume starts, undeployed when it stops. File work runs on this brick's own worker
 * pool, so a slow disk stalls only this brick, never an event loop or the other bricks of the node.
 */
public final class BrickVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(BrickVerticle.class.getName());
  /** Threads per brick: enough to overlap many small requests on one disk. */
  private static final int WORKERS = 8;
  /** An S3 brick's requests wait on the store's round trips, not on a disk: more of them overlap. */
  private static final int S3_WORKERS = 16;
  /** How often a brick whose object store was down at start tries to open it. */
  private static final long REOPEN_MS = 2_000;
  private static final long STORE_CHECK_MS = 500;
  /** How often the room left on the brick's filesystem is looked at, for STATUS (mounts write through when short). */
  private static final long AVAIL_CHECK_MS = 1_000;

  private final String volumeName;
  private final String volumeId;
  private final int index;
  private final String location;
  private final S3Config s3;
  private final String brickName;
  private final int port;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
  /** How often the blame summary is rebuilt from the heal index, dropping files deleted meanwhile. */
  private static final long BLAME_REBUILD_MS = 10_000;

  private final BlameTracker blames = new BlameTracker();
  /** Null while the brick's object store has not answered since the brick started. */
  private volatile BrickStorage storage;
  private long reopenTimer = -1;
  private long blameTimer = -1;
  private long storeTimer = -1;
  private long availTimer = -1;
  /** Bytes free for writes as of the last look, or -1 before the first. */
  private volatile long availBytes = -1;
  private boolean storeWasOnline = true;
  private boolean reopening;
  private WorkerExecutor workers;
  private FileLocks locks;
  private Flocks flocks;
  private RecordLocks recordLocks;
  private Counter bytesRead;
  private Counter bytesWritten;

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
    this.volumeName = volumeName;
    this.volumeId = volumeId;
    this.index = index;
    this.location = location;
    this.s3 = s3;
    this.brickName = brickName;
    this.port = port;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    locks = new FileLocks(vertx);
    flocks = new Flocks(vertx);
    recordLocks = new RecordLocks(vertx);
    workers = vertx.createSharedWorkerExecutor("mortar-brick-" + volumeId + "-" + index,
        S3Location.isS3(location) ? S3_WORKERS : WORKERS);
    bytesRead = Counter.builder("mortar_brick_bytes_total").tag("volume", volumeName).tag("brick", brickName)
        .tag("direction", "read").description("Bytes read from and written to bricks").register(registry);
    bytesWritten = Counter.builder("mortar_brick_bytes_total").tag("volume", volumeName).tag("brick", brickName)
        .tag("direction", "write").description("Bytes read from and written to bricks").register(registry);
    // Listening first: until the storage is open, requests are answered "offline" rather than not at all.
    return ServiceRegistration.<BrickFrame>register(vertx, Addresses.brick(volumeId, index), this::handle)
        .compose(v -> openStorage().recover(e -> {
          if (!storeUnreachable(e)) {
            return Future.failedFuture(e);
          }
          // An object store that is not up yet (a node started before its MinIO): offline, open once it is.
          LOG.warning("brick " + brickName + " of volume " + volumeName + " is offline: " + e.getMessage()
              + "; it opens as soon as its object store answers");
          reopenTimer = vertx.setPeriodic(REOPEN_MS, id -> {
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
        .onFailure(e -> LOG.severe("brick " + brickName + " cannot start: " + e.getMessage()
            + "; fix it and run 'mortar volume start " + volumeName + " force'"));
  }

  /** Opens the storage (on a worker), then serves it: blame summary built, healers told the brick is online. */
  private Future<Void> openStorage() {
    return workers.executeBlocking(() -> {
      BrickStorage s = BrickStorages.open(location, volumeId, s3, registry, volumeName, brickName);
      blames.rebuild(s);
      return s;
    }).onSuccess(s -> {
      storage = s;
      LOG.info("brick " + brickName + " of volume " + volumeName + " online");
      announceOnline();
      // A brick whose object store comes back is online again: the healers are told at once, as at a start.
      storeTimer = vertx.setPeriodic(STORE_CHECK_MS, t -> {
        boolean now = s.online();
        if (now && !storeWasOnline) {
          announceOnline();
        }
        storeWasOnline = now;
      });
      if (!S3Location.isS3(location)) { // a bucket has no fixed size: its room is not told
        lookAtRoom();
        availTimer = vertx.setPeriodic(AVAIL_CHECK_MS, t -> lookAtRoom());
      }
      blameTimer = vertx.setPeriodic(BLAME_REBUILD_MS, t -> workers.executeBlocking(() -> {
        blames.rebuild(storage);
        return null;
      }, false).onFailure(e -> LOG.fine("blame summary of " + brickName + " not rebuilt: " + e)));
    }).mapEmpty();
  }

  /** statfs(2) on a worker: a disk that hangs must not hold the event loop that answers STATUS. */
  private void lookAtRoom() {
    workers.executeBlocking(() -> {
      BrickStorage.FsStats f = storage.statfs();
      return f.blocksAvailable() * f.blockSize();
    }, false).onSuccess(b -> availBytes = b).onFailure(e -> LOG.fine("room left on " + brickName + " unknown: " + e));
  }

  private void announceOnline() {
    vertx.eventBus().publish(Addresses.EVENTS_HEAL, new HealEvent(volumeId, "brick " + brickName + " online")
        .toJson());
  }

  private static boolean storeUnreachable(Throwable e) {
    return e instanceof BrickException b && b.errno() == Errno.ENOTCONN;
  }

  private void handle(Message<BrickFrame> m) {
    if (storage == null) {
      m.fail(Errno.ENOTCONN.code, "brick " + brickName + " is offline: not open yet (its object store has not answered)");
      return;
    }
    BrickFrame req = m.body();
    String opName = req.header().getString(BrickFields.OP);
    BrickOp op;
    try {
      op = BrickOp.valueOf(String.valueOf(opName));
    } catch (IllegalArgumentException e) {
      m.fail(Errno.EINVAL.code, "unknown brick operation " + opName);
      return;
    }
    // Locks live on the event loop, answered at once or later, never blocking it.
    Consumer<Message<BrickFrame>> onLoop = switch (op) {
      case LOCK -> locks::lock;
      case UNLOCK -> locks::unlock;
      case FLOCK -> flocks::handle;
      case RECORD_LOCK -> recordLocks::handle;
      case END_SESSIONS -> this::endSessions;
      default -> null;
    };
    if (onLoop != null) {
      onLoop.accept(m);
      return;
    }
    if (op == BrickOp.STATUS) {
      if (!storage.online()) { // clients then treat the brick as down, and write on without it
        m.fail(Errno.ENOTCONN.code, "brick " + brickName + " is offline: its object store does not answer");
        return;
      }
      m.reply(BrickFrame.of(new JsonObject().put("online", true).put("pid", ProcessHandle.current().pid())
          .put("port", port).put("path", location).put(BrickFields.ROOT_ID, storage.localRootId())
          .put(BrickFields.AVAIL_BYTES, availBytes)
          .put(BrickFields.BLAMES, new JsonArray(List.copyOf(blames.blamed())))));
      return;
    }
    long t0 = System.nanoTime();
    // CREATE may take the file's lock first: see BrickOp.
    String lockOwner = op == BrickOp.CREATE ? req.header().getString(BrickFields.OWNER) : null;
    String path = req.header().getString(BrickFields.PATH);
    boolean locked = op == BrickOp.CREATE && lockOwner != null && path != null
        && locks.tryLock(path, lockOwner, req.header().getLong(BrickFields.LEASE, 10_000L));
    String writer = op == BrickOp.WRITE ? req.header().getString(BrickFields.OWNER) : null;
    if (writer != null && path != null && !locks.mayWrite(path, writer)) {
      timer(op, Errno.ESTALE.name()).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      LOG.warning("brick " + brickName + ": a late write of " + path + " by " + writer + " refused: its lock was lost"
          + " to another writer (a network cut); that writer's mount marked this brick for heal");
      m.fail(Errno.ESTALE.code, path + ": write refused: the lock of " + writer + " was lost to another writer");
      return;
    }
    // The worker answers itself: no hop back to the event loop before the reply leaves, unless a lock is to be
    // given up first (the locks live on the event loop, and the answer means it is done).
    workers.executeBlocking(() -> {
      String outcome = "ok";
      Runnable answer;
      try {
        BrickFrame reply = execute(op, req.header(), req.data());
        if (op == BrickOp.CREATE && lockOwner != null) {
          reply.header().put(BrickFields.LOCKED, locked);
        }
        answer = () -> m.reply(reply);
      } catch (BrickException e) {
        outcome = e.errno().name();
        answer = () -> m.fail(e.errno().code, e.getMessage());
      } catch (RuntimeException e) {
        outcome = Errno.EIO.name();
        LOG.log(Level.WARNING, "brick " + brickName + ": " + op + " " + path + " failed unexpectedly", e);
        answer = () -> m.fail(Errno.EIO.code, op + " failed on brick " + brickName + ": " + e);
      }
      timer(op, outcome).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      if (locked && !outcome.equals("ok")) { // the file was not made: nobody writes it under this lock
        Runnable then = answer;
        context.runOnContext(v -> {
          locks.release(path, lockOwner);
          then.run();
        });
      } else {
        answer.run();
      }
      return null;
    }, false);
  }

  /** See {@link BrickOp#UNLINK_MANY}: the names of {@code dir} that were not unlinked, and why. */
  private JsonArray unlinkMany(String dir, JsonArray names) {
    JsonArray failed = new JsonArray();
    for (int i = 0; i < names.size(); i++) {
      String name = names.getString(i);
      try {
        if (!VolumePaths.isName(name)) {
          throw new BrickException(Errno.EINVAL, "'" + name + "' is not a name in a directory");
        }
        storage.unlink(VolumePaths.child(dir, name));
      } catch (BrickException e) {
        failed.add(new JsonObject().put(BrickFields.NAME, name).put(BrickFields.ERRNO, e.errno().name())
            .put(BrickFields.MESSAGE, e.getMessage()));
      }
    }
    return failed;
  }

  /** See {@link BrickOp#END_SESSIONS}: the marks on a worker, then the locks on the event loop, where they live. */
  private void endSessions(Message<BrickFrame> m) {
    long t0 = System.nanoTime();
    JsonArray sessions = m.body().header().getJsonArray(BrickFields.SESSIONS, new JsonArray());
    workers.executeBlocking(() -> {
      JsonArray failed = new JsonArray();
      for (int i = 0; i < sessions.size(); i++) {
        JsonObject s = sessions.getJsonObject(i);
        if (s.getBoolean(BrickFields.CLEAR, false)) {
          String path = s.getString(BrickFields.PATH);
          try {
            blames.update(storage.updateMeta(path, -1, 0, 0, Map.of()));
          } catch (BrickException e) {
            failed.add(path + ": " + e.getMessage());
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "brick " + brickName + ": dirty mark of " + path + " not cleared", e);
            failed.add(path + ": " + e);
          }
        }
      }
      timer(BrickOp.END_SESSIONS, failed.isEmpty() ? "ok" : Errno.EIO.name())
          .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      context.runOnContext(v -> {
        for (int i = 0; i < sessions.size(); i++) {
          JsonObject s = sessions.getJsonObject(i);
          String owner = s.getString(BrickFields.OWNER);
          if (owner != null) {
            locks.release(s.getString(BrickFields.LOCK_PATH, s.getString(BrickFields.PATH)), owner);
          }
        }
        m.reply(BrickFrame.of(new JsonObject().put(BrickFields.FAILED, failed)));
      });
      return null;
    }, false);
  }

  private Timer timer(BrickOp op, String outcome) {
    return timers.computeIfAbsent(op.name() + outcome, k -> Timer.builder("mortar_brick_op_seconds")
        .description("Brick operations by type and outcome (ok or errno)").tag("volume", volumeName)
        .tag("brick", brickName).tag("op", op.name().toLowerCase()).tag("outcome", outcome).register(registry));
  }

  /** Runs one operation on a worker thread and builds the reply. */
  private BrickFrame execute(BrickOp op, JsonObject h, Buffer data) {
    String p = h.getString(BrickFields.PATH);
    JsonObject out = new JsonObject();
    switch (op) {
      case LOOKUP -> out.put(BrickFields.ATTR, storage.lookup(p).toJson());
      case READDIR -> {
        if (h.getBoolean(BrickFields.NAMES_ONLY, false)) {
          out.put(BrickFields.NAMES, new JsonArray(storage.names(p)));
        } else {
          JsonArray entries = new JsonArray();
          storage.readdir(p).forEach(e -> entries.add(new JsonObject().put("name", e.name())
              .put(BrickFields.ATTR, e.attr().toJson())));
          out.put(BrickFields.ENTRIES, entries);
        }
      }
      case MKDIR -> {
        out.put(BrickFields.ATTR, storage.mkdir(p, h.getInteger(BrickFields.MODE, 0755),
            h.getInteger(BrickFields.UID, -1), h.getInteger(BrickFields.GID, -1), h.getString(BrickFields.GFID))
            .toJson());
        markDirty(p, h);
      }
      case RMDIR -> storage.rmdir(p);
      case CREATE -> {
        String gfid = h.getString(BrickFields.GFID);
        if (gfid == null && data.length() > 0) { // without it, a file made here and one found there look the same
          throw new BrickException(Errno.EINVAL, p + ": a create with data needs the file ID (gfid) it makes");
        }
        Attr a = storage.create(p, h.getInteger(BrickFields.MODE, 0644), h.getInteger(BrickFields.UID, -1),
            h.getInteger(BrickFields.GID, -1), h.getBoolean(BrickFields.EXCLUSIVE, false), gfid,
            Math.max(0, h.getLong(BrickFields.DIRTY, 0L)), data);
        if (gfid != null && gfid.equals(a.gfid())) { // made here: its data went in
          bytesWritten.increment(data.length());
        }
        out.put(BrickFields.ATTR, a.toJson());
      }
      case OPEN -> out.put(BrickFields.ATTR, storage.open(p).toJson());
      case READ -> {
        Buffer b = storage.read(p, h.getLong(BrickFields.OFFSET, 0L), h.getInteger(BrickFields.SIZE, 0));
        bytesRead.increment(b.length());
        return BrickFrame.of(out).withData(b);
      }
      case WRITE -> {
        long dirty = h.getLong(BrickFields.DIRTY, 0L);
        long offset = h.getLong(BrickFields.OFFSET, 0L);
        Attr a = dirty > 0 ? storage.markAndWrite(p, offset, data, dirty) : storage.write(p, offset, data);
        bytesWritten.increment(data.length());
        out.put(BrickFields.ATTR, a.toJson());
      }
      case TRUNCATE -> out.put(BrickFields.ATTR, storage.truncate(p, h.getLong(BrickFields.SIZE, 0L)).toJson());
      case FSYNC -> storage.fsync(p, h.getBoolean(BrickFields.DATA_ONLY, false));
      case FLUSH, RELEASE -> {
        // bricks hold no open state: nothing to flush or close
      }
      case UNLINK -> storage.unlink(p);
      case UNLINK_MANY -> out.put(BrickFields.FAILED, unlinkMany(p, h.getJsonArray(BrickFields.NAMES, new JsonArray())));
      case RENAME -> storage.rename(p, h.getString(BrickFields.TO));
      case LINK -> out.put(BrickFields.ATTR, storage.link(p, h.getString(BrickFields.TO)).toJson());
      case SYMLINK -> out.put(BrickFields.ATTR, storage.symlink(p, h.getString(BrickFields.TARGET),
          h.getInteger(BrickFields.UID, -1), h.getInteger(BrickFields.GID, -1), h.getString(BrickFields.GFID)).toJson());
      case READLINK -> out.put(BrickFields.TARGET, storage.readlink(p));
      case CHMOD -> out.put(BrickFields.ATTR, storage.chmod(p, h.getInteger(BrickFields.MODE)).toJson());
      case CHOWN -> out.put(BrickFields.ATTR, storage.chown(p, h.getInteger(BrickFields.UID, -1),
          h.getInteger(BrickFields.GID, -1)).toJson());
      case UTIMENS -> out.put(BrickFields.ATTR, storage.utimens(p, h.getLong(BrickFields.ATIME, BrickFields.TIME_OMIT),
          h.getLong(BrickFields.MTIME, BrickFields.TIME_OMIT)).toJson());
      case STATFS -> {
        BrickStorage.FsStats s = storage.statfs();
        out.put("blockSize", s.blockSize()).put("blocks", s.blocks()).put("blocksFree", s.blocksFree())
            .put("blocksAvailable", s.blocksAvailable()).put("maxNameLength", s.maxNameLength());
      }
      case GETXATTR -> {
        return BrickFrame.of(out).withData(storage.getxattr(p, h.getString(BrickFields.NAME)));
      }
      case SETXATTR -> storage.setxattr(p, h.getString(BrickFields.NAME), data, h.getInteger(BrickFields.FLAGS, 0));
      case LISTXATTR -> out.put(BrickFields.NAMES, new JsonArray(storage.listxattr(p)));
      case REMOVEXATTR -> storage.removexattr(p, h.getString(BrickFields.NAME));
      case META_GET -> out.put(BrickFields.META, storage.meta(p).toJson()).put(BrickFields.ATTR,
          storage.lookup(p).toJson());
      case META_UPDATE -> {
        Map<Integer, Long> pending = new HashMap<>();
        h.getJsonObject(BrickFields.PENDING, new JsonObject())
            .forEach(e -> pending.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).longValue()));
        FileMeta m = storage.updateMeta(p, h.getLong(BrickFields.DIRTY, 0L), h.getLong(BrickFields.DATA_VERSION, 0L),
            h.getLong(BrickFields.META_VERSION, 0L), pending);
        blames.update(m);
        out.put(BrickFields.META, m.toJson());
      }
      case CHECKSUM -> {
        Buffer b = storage.read(p, h.getLong(BrickFields.OFFSET, 0L), h.getInteger(BrickFields.SIZE, 0));
        out.put(BrickFields.SUM, Digests.sha256(b)).put(BrickFields.SIZE, b.length());
      }
      case INDEX_LIST -> {
        JsonArray entries = new JsonArray();
        for (BrickStorage.IndexEntry e : storage.healIndex()) {
          JsonObject entry = new JsonObject().put("gfid", e.gfid()).put("path", e.path());
          try {
            FileMeta m = storage.meta(e.path());
            if (m.gfid().equals(e.gfid())) { // else renamed or replaced since it was listed: the path is a hint
              entry.put(BrickFields.META, m.toJson());
            }
          } catch (BrickException gone) {
            // deleted since it was listed
          }
          entries.add(entry);
        }
        out.put(BrickFields.ENTRIES, entries);
      }
      case STATUS, LOCK, UNLOCK, FLOCK, RECORD_LOCK -> throw new IllegalStateException("answered on the event loop");
    }
    return BrickFrame.of(out);
  }

  /** MKDIR with {@code dirty}: the new entry is not complete yet (heal creates it, then fills it). */
  private void markDirty(String p, JsonObject h) {
    long dirty = h.getLong(BrickFields.DIRTY, 0L);
    if (dirty > 0) {
      blames.update(storage.updateMeta(p, dirty, 0, 0, Map.of()));
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(reopenTimer);
    vertx.cancelTimer(blameTimer);
    vertx.cancelTimer(storeTimer);
    vertx.cancelTimer(availTimer);
    if (storage != null) {
      storage.close();
    }
    return workers == null ? Future.succeededFuture() : workers.close();
  }
}
