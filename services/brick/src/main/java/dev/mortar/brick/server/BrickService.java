package dev.mortar.brick.server;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.server.locks.FileLocks;
import dev.mortar.brick.server.locks.Flocks;
import dev.mortar.brick.server.locks.RecordLocks;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.BrickApi;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One open brick's operations. File work runs on the brick's own worker pool, so a slow disk stalls only this brick,
 * never an event loop or the other bricks of the node; the worker completes the reply itself, with no hop back to
 * the event loop before it leaves. Locks live on the event loop (where {@link BrickEndpoint} calls in), answered at
 * once or later, never blocking it.
 */
public final class BrickService implements BrickApi {
  private static final Logger LOG = Logger.getLogger(BrickService.class.getName());

  private final Context loop;
  private final WorkerExecutor workers;
  private final BrickStorage storage;
  private final BlameTracker blames;
  private final BrickInfo info;
  private final LongSupplier availBytes;
  private final FileLocks locks;
  private final Flocks flocks;
  private final RecordLocks recordLocks;
  private final Counter bytesRead;
  private final Counter bytesWritten;

  /**
   * @param loop       the brick's event loop, where its locks live
   * @param availBytes bytes free for writes as of the last look, -1 unknown (for STATUS)
   */
  public BrickService(Context loop, WorkerExecutor workers, BrickStorage storage, BlameTracker blames, BrickInfo info,
                      LongSupplier availBytes, MeterRegistry registry) {
    this.loop = loop;
    this.workers = workers;
    this.storage = storage;
    this.blames = blames;
    this.info = info;
    this.availBytes = availBytes;
    this.locks = new FileLocks(loop.owner());
    this.flocks = new Flocks(loop.owner());
    this.recordLocks = new RecordLocks(loop.owner());
    this.bytesRead = bytes(registry, "read");
    this.bytesWritten = bytes(registry, "write");
  }

  private Counter bytes(MeterRegistry registry, String direction) {
    return Counter.builder("mortar_brick_bytes_total").tag("volume", info.volumeName()).tag("brick", info.brickName())
        .tag("direction", direction).description("Bytes read from and written to bricks").register(registry);
  }

  /**
   * Runs {@code work} on a worker. The future is bound to no context, so whoever waits for it (the endpoint's reply)
   * is called on the worker; an unexpected failure is logged and answered as EIO.
   */
  private <R> Future<R> onWorker(BrickRequest<?> request, String path, Supplier<R> work) {
    Promise<R> done = Promise.promise();
    workers.executeBlocking(() -> {
      try {
        done.complete(work.get());
      } catch (BrickException e) {
        done.fail(e);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "brick " + info.brickName() + ": " + BrickCodec.op(request) + " " + path
            + " failed unexpectedly", e);
        done.fail(new BrickException(Errno.EIO, BrickCodec.op(request) + " failed on brick " + info.brickName()
            + ": " + e));
      }
      return null;
    }, false);
    return done.future();
  }

  /** Runs {@code work} on the event loop, where the locks live. */
  private <R> Future<R> onLoop(Supplier<R> work) {
    Promise<R> done = Promise.promise();
    loop.runOnContext(v -> {
      try {
        done.complete(work.get());
      } catch (RuntimeException e) { // answered, never left waiting
        done.fail(e);
      }
    });
    return done.future();
  }

  /** Work that answers nothing but that it was done. */
  private static Supplier<Replies.Done> done(Runnable work) {
    return () -> {
      work.run();
      return Replies.Done.INSTANCE;
    };
  }

  /** An answer made at once (on the event loop), or its failure. */
  private static <R> Future<R> now(Supplier<R> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (BrickException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Replies.StatusReply> status(Requests.Status r) {
    if (!storage.online()) { // clients then treat the brick as down, and write on without it
      return Future.failedFuture(new BrickException(Errno.ENOTCONN, "brick " + info.brickName()
          + " is offline: its object store does not answer"));
    }
    return Future.succeededFuture(new Replies.StatusReply(true, ProcessHandle.current().pid(), info.port(),
        info.location(), storage.localRootId(), availBytes.getAsLong(), List.copyOf(blames.blamed())));
  }

  @Override
  public Future<Replies.AttrReply> lookup(Requests.Lookup r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.lookup(r.path())));
  }

  @Override
  public Future<Replies.EntriesReply> readdir(Requests.Readdir r) {
    return onWorker(r, r.path(), () -> new Replies.EntriesReply(storage.readdir(r.path()).stream()
        .map(e -> new Replies.DirEntry(e.name(), e.attr())).toList()));
  }

  @Override
  public Future<Replies.NamesReply> listNames(Requests.ListNames r) {
    return onWorker(r, r.path(), () -> new Replies.NamesReply(storage.names(r.path())));
  }

  @Override
  public Future<Replies.AttrReply> mkdir(Requests.Mkdir r) {
    return onWorker(r, r.path(), () -> {
      Attr a = storage.mkdir(r.path(), r.mode(), r.uid(), r.gid(), r.gfid());
      if (r.dirty() > 0) { // heal makes the entry, then fills it
        blames.update(storage.updateMeta(r.path(), r.dirty(), 0, 0, Map.of()));
      }
      return new Replies.AttrReply(a, dirOf(r.path()));
    });
  }

  @Override
  public Future<Replies.DirsReply> rmdir(Requests.Rmdir r) {
    return onWorker(r, r.path(), () -> {
      storage.rmdir(r.path());
      return new Replies.DirsReply(dirOf(r.path()), null);
    });
  }

  /**
   * The directory of {@code path} as a change of names there left it, for the reply (see {@link Replies.DirsReply});
   * null if it cannot be read (another change removed it meanwhile).
   */
  private Attr dirOf(String path) {
    return dir(VolumePaths.parent(path));
  }

  private Attr dir(String dir) {
    try {
      return storage.lookup(dir);
    } catch (BrickException e) {
      return null;
    }
  }

  /** With an owner the file's lock is tried first, and given back if the file was not made. */
  @Override
  public Future<Replies.CreateReply> create(Requests.Create r) {
    boolean locked = r.owner() != null && locks.tryLock(r.path(), r.owner(), r.lease());
    Future<Replies.CreateReply> made = onWorker(r, r.path(), () -> {
      Buffer data = r.data();
      if (r.gfid() == null && data.length() > 0) { // without it, a file made here and one found there look the same
        throw new BrickException(Errno.EINVAL, r.path() + ": a create with data needs the file ID (gfid) it makes");
      }
      Attr a = storage.create(r.path(), r.mode(), r.uid(), r.gid(), r.exclusive(), r.gfid(), Math.max(0, r.dirty()),
          data);
      if (r.gfid() != null && r.gfid().equals(a.gfid())) { // made here: its data went in
        bytesWritten.increment(data.length());
      }
      return new Replies.CreateReply(a, locked, dirOf(r.path()));
    });
    if (!locked) {
      return made;
    }
    // Not made: nobody writes it under this lock. The answer waits until the lock is given back.
    return made.recover(e -> onLoop(() -> {
      locks.release(r.path(), r.owner());
      return null;
    }).compose(v -> Future.failedFuture(e)));
  }

  @Override
  public Future<Replies.AttrReply> open(Requests.Open r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.open(r.path())));
  }

  @Override
  public Future<Replies.DataReply> read(Requests.Read r) {
    return onWorker(r, r.path(), () -> {
      Buffer b = storage.read(r.path(), r.offset(), r.size());
      bytesRead.increment(b.length());
      return new Replies.DataReply(b);
    });
  }

  /** A write of a session whose lock was lost to another writer is refused (ESTALE): see {@link FileLocks}. */
  @Override
  public Future<Replies.AttrReply> write(Requests.Write r) {
    String writer = r.owner();
    if (writer != null && !locks.mayWrite(r.path(), writer)) {
      LOG.warning("brick " + info.brickName() + ": a late write of " + r.path() + " by " + writer + " refused: its"
          + " lock was lost to another writer (a network cut); that writer's mount marked this brick for heal");
      return Future.failedFuture(new BrickException(Errno.ESTALE, r.path() + ": write refused: the lock of "
          + writer + " was lost to another writer"));
    }
    return onWorker(r, r.path(), () -> {
      Attr a = r.dirty() > 0 ? storage.markAndWrite(r.path(), r.offset(), r.data(), r.dirty())
          : storage.write(r.path(), r.offset(), r.data());
      bytesWritten.increment(r.data().length());
      return new Replies.AttrReply(a);
    });
  }

  @Override
  public Future<Replies.AttrReply> truncate(Requests.Truncate r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.truncate(r.path(), r.size())));
  }

  @Override
  public Future<Replies.Done> fsync(Requests.Fsync r) {
    return onWorker(r, r.path(), done(() -> storage.fsync(r.path(), r.dataOnly())));
  }

  @Override
  public Future<Replies.DirsReply> unlink(Requests.Unlink r) {
    return onWorker(r, r.path(), () -> {
      storage.unlink(r.path());
      return new Replies.DirsReply(dirOf(r.path()), null);
    });
  }

  @Override
  public Future<Replies.UnlinkManyReply> unlinkMany(Requests.UnlinkMany r) {
    return onWorker(r, r.path(), () -> {
      List<Replies.FailedName> failed = new ArrayList<>();
      for (String name : r.names()) {
        try {
          if (!VolumePaths.isName(name)) {
            throw new BrickException(Errno.EINVAL, "'" + name + "' is not a name in a directory");
          }
          storage.unlink(VolumePaths.child(r.path(), name));
        } catch (BrickException e) {
          failed.add(new Replies.FailedName(name, e.errno().name(), e.getMessage()));
        }
      }
      return new Replies.UnlinkManyReply(failed, dir(r.path()));
    });
  }

  @Override
  public Future<Replies.DirsReply> rename(Requests.Rename r) {
    return onWorker(r, r.path(), () -> {
      storage.rename(r.path(), r.to());
      String from = VolumePaths.parent(r.path());
      String to = VolumePaths.parent(r.to());
      return new Replies.DirsReply(dir(from), to.equals(from) ? null : dir(to));
    });
  }

  @Override
  public Future<Replies.AttrReply> link(Requests.Link r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.link(r.path(), r.to()), dirOf(r.to())));
  }

  @Override
  public Future<Replies.AttrReply> symlink(Requests.Symlink r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.symlink(r.path(), r.target(), r.uid(), r.gid(),
        r.gfid()), dirOf(r.path())));
  }

  @Override
  public Future<Replies.AttrReply> mknod(Requests.Mknod r) {
    return onWorker(r, r.path(), () -> {
      Attr a = storage.mknod(r.path(), r.mode(), r.rdev(), r.uid(), r.gid(), r.gfid());
      if (r.dirty() > 0) { // heal makes the entry, then gives it its times
        blames.update(storage.updateMeta(r.path(), r.dirty(), 0, 0, Map.of()));
      }
      return new Replies.AttrReply(a, dirOf(r.path()));
    });
  }

  @Override
  public Future<Replies.TargetReply> readlink(Requests.Readlink r) {
    return onWorker(r, r.path(), () -> new Replies.TargetReply(storage.readlink(r.path())));
  }

  @Override
  public Future<Replies.AttrReply> chmod(Requests.Chmod r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.chmod(r.path(), r.mode())));
  }

  @Override
  public Future<Replies.AttrReply> chown(Requests.Chown r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.chown(r.path(), r.uid(), r.gid())));
  }

  @Override
  public Future<Replies.AttrReply> utimens(Requests.Utimens r) {
    return onWorker(r, r.path(), () -> new Replies.AttrReply(storage.utimens(r.path(), r.atime(), r.mtime())));
  }

  @Override
  public Future<Replies.StatfsReply> statfs(Requests.Statfs r) {
    return onWorker(r, "/", () -> {
      BrickStorage.FsStats s = storage.statfs();
      return new Replies.StatfsReply(s.blockSize(), s.blocks(), s.blocksFree(), s.blocksAvailable(),
          s.maxNameLength());
    });
  }

  @Override
  public Future<Replies.DataReply> getXattr(Requests.GetXattr r) {
    return onWorker(r, r.path(), () -> new Replies.DataReply(storage.getxattr(r.path(), r.name())));
  }

  @Override
  public Future<Replies.Done> setXattr(Requests.SetXattr r) {
    return onWorker(r, r.path(), done(() -> storage.setxattr(r.path(), r.name(), r.value(), r.flags())));
  }

  @Override
  public Future<Replies.NamesReply> listXattr(Requests.ListXattr r) {
    return onWorker(r, r.path(), () -> new Replies.NamesReply(storage.listxattr(r.path())));
  }

  @Override
  public Future<Replies.Done> removeXattr(Requests.RemoveXattr r) {
    return onWorker(r, r.path(), done(() -> storage.removexattr(r.path(), r.name())));
  }

  @Override
  public Future<Replies.MetaReply> metaGet(Requests.MetaGet r) {
    return onWorker(r, r.path(), () -> new Replies.MetaReply(storage.meta(r.path()), storage.lookup(r.path())));
  }

  @Override
  public Future<Replies.MetaReply> metaUpdate(Requests.MetaUpdate r) {
    return onWorker(r, r.path(), () -> {
      FileMeta m = storage.updateMeta(r.path(), r.dirty(), r.dataVersion(), r.metaVersion(), r.pending());
      blames.update(m);
      return new Replies.MetaReply(m, null);
    });
  }

  /** The marks on a worker, then the locks on the event loop, where they live. */
  @Override
  public Future<Replies.EndSessionsReply> endSessions(Requests.EndSessions r) {
    return onWorker(r, "/", () -> clearMarks(r.sessions())).compose(failed -> onLoop(() -> {
      for (Requests.SessionEnd s : r.sessions()) {
        if (s.owner() != null) {
          locks.release(s.lockPath() != null ? s.lockPath() : s.path(), s.owner());
        }
      }
      return new Replies.EndSessionsReply(failed);
    }));
  }

  /** Clears the dirty marks of the sessions that ask for it: one message per mark that was not cleared. */
  private List<String> clearMarks(List<Requests.SessionEnd> sessions) {
    List<String> failed = new ArrayList<>();
    for (Requests.SessionEnd s : sessions) {
      if (s.clear()) {
        try {
          blames.update(storage.updateMeta(s.path(), -1, 0, 0, Map.of()));
        } catch (BrickException e) {
          failed.add(s.path() + ": " + e.getMessage());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "brick " + info.brickName() + ": dirty mark of " + s.path() + " not cleared", e);
          failed.add(s.path() + ": " + e);
        }
      }
    }
    return failed;
  }

  @Override
  public Future<Replies.ChecksumReply> checksum(Requests.Checksum r) {
    return onWorker(r, r.path(), () -> {
      Buffer b = storage.read(r.path(), r.offset(), r.size());
      return new Replies.ChecksumReply(Digests.sha256(b), b.length());
    });
  }

  @Override
  public Future<Replies.IndexReply> indexList(Requests.IndexList r) {
    return onWorker(r, "/", () -> {
      List<Replies.IndexEntry> entries = new ArrayList<>();
      for (BrickStorage.IndexEntry e : storage.healIndex()) {
        FileMeta meta = null;
        try {
          FileMeta m = storage.meta(e.path());
          if (m.gfid().equals(e.gfid())) { // else renamed or replaced since it was listed: the path is a hint
            meta = m;
          }
        } catch (BrickException gone) {
          // deleted since it was listed
        }
        entries.add(new Replies.IndexEntry(e.gfid(), e.path(), meta));
      }
      return new Replies.IndexReply(entries);
    });
  }

  @Override
  public Future<Replies.Done> lock(Requests.Lock r) {
    return locks.lock(r);
  }

  @Override
  public Future<Replies.Done> unlock(Requests.Unlock r) {
    locks.release(r.path(), r.owner());
    return Future.succeededFuture(Replies.Done.INSTANCE);
  }

  @Override
  public Future<Replies.Done> flock(Requests.Flock r) {
    return now(() -> flocks.flock(r));
  }

  @Override
  public Future<Replies.Done> recordLocks(Requests.RecordLocks r) {
    return now(() -> recordLocks.set(r));
  }

  @Override
  public Future<Replies.ProbeReply> probeRecordLock(Requests.ProbeRecordLock r) {
    return Future.succeededFuture(recordLocks.probe(r));
  }
}
