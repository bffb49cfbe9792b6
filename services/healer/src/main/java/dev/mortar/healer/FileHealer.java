package dev.mortar.healer;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.model.Volume;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Heals one file (or directory) of a replica set: the bricks that blame others (their pending counters) are the
 * sources, the blamed bricks the sinks. Under the file's write lock, the sink is made like the source (entries of
 * a directory, data in bounded windows, attributes), then the blame is cleared. Blocking: runs on a worker thread.
 */
final class FileHealer {
  private static final Logger LOG = Logger.getLogger(FileHealer.class.getName());
  /** A large file is copied in windows of this size, never held in memory. */
  static final int WINDOW = 1 << 20;

  /** What became of one heal. */
  enum Outcome { HEALED, NOTHING_TO_DO, SKIPPED }

  private final Vertx vertx;
  private final Volume volume;
  private final long timeoutMs;
  private final String owner;

  FileHealer(Vertx vertx, Volume volume, long timeoutMs, String owner) {
    this.vertx = vertx;
    this.volume = volume;
    this.timeoutMs = timeoutMs;
    this.owner = owner;
  }

  private BrickFrame call(int brick, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    Future<BrickFrame> f = BrickRequests.send(vertx, Addresses.brick(volume.id(), brick), op, path, fields, data,
        timeoutMs);
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrickException b ? b : new BrickException(Errno.EIO, String.valueOf(e.getCause()));
    } catch (Exception e) {
      throw new BrickException(Errno.ENOTCONN, "brick " + brick + " did not answer: " + e);
    }
  }

  private BrickFrame call(int brick, BrickOp op, String path) {
    return call(brick, op, path, h -> { }, Buffer.buffer());
  }

  Outcome heal(String path) {
    Map<Integer, FileMeta> metas = new HashMap<>();
    Set<Integer> absent = new TreeSet<>();
    for (int i = 0; i < volume.bricks().size(); i++) {
      try {
        metas.put(i, FileMeta.fromJson(call(i, BrickOp.META_GET, path).header().getJsonObject(BrickFields.META)));
      } catch (BrickException e) {
        if (e.errno() == Errno.ENOENT) {
          absent.add(i);
        } else if (e.errno() != Errno.ENOTCONN) {
          throw e;
        }
      }
    }
    Map<Integer, Long> blamed = new HashMap<>();
    List<Integer> sources = new ArrayList<>();
    metas.forEach((i, m) -> m.pending().forEach((j, n) -> {
      if (n > 0) {
        blamed.merge(j, n, Math::max);
        if (!sources.contains(i)) {
          sources.add(i);
        }
      }
    }));
    if (sources.isEmpty()) {
      return Outcome.NOTHING_TO_DO;
    }
    if (sources.stream().anyMatch(blamed::containsKey)) {
      LOG.warning(path + ": the bricks blame each other (split-brain); left for split-brain resolution");
      return Outcome.SKIPPED;
    }
    List<Integer> sinks = blamed.keySet().stream().filter(j -> metas.containsKey(j) || absent.contains(j)).toList();
    int source = sources.stream().filter(i -> !volume.bricks().get(i).arbiter()).findFirst().orElse(sources.get(0));
    if (sinks.isEmpty() || metas.get(source).dirty() > 0) {
      return Outcome.SKIPPED; // the blamed brick is away, or a writer is busy with the file: next sweep
    }
    // The lock brick by the clients' rule (the first live data brick), so that healing and writing exclude each other.
    int lockBrick = java.util.stream.IntStream.range(0, volume.bricks().size())
        .filter(i -> (metas.containsKey(i) || absent.contains(i)) && !volume.bricks().get(i).arbiter())
        .min().orElse(source);
    call(lockBrick, BrickOp.LOCK, path, h -> h.put(BrickFields.OWNER, owner).put(BrickFields.LEASE, 30_000)
        .put(BrickFields.WAIT, 5_000), Buffer.buffer());
    try {
      Attr attr = Attr.fromJson(call(source, BrickOp.LOOKUP, path).header().getJsonObject(BrickFields.ATTR));
      for (int sink : sinks) {
        healSink(source, sink, path, attr, metas.get(source).gfid(), absent.contains(sink));
        FileMeta was = metas.get(sink);
        if (was != null && was.dirty() > 0) {
          // A write session was cut off from this brick before it could clear its mark; the copy is whole now.
          call(sink, BrickOp.META_UPDATE, path, h -> h.put(BrickFields.DIRTY, -was.dirty()), Buffer.buffer());
        }
      }
      for (int src : sources) {
        JsonObject clear = new JsonObject();
        sinks.forEach(s -> clear.put(String.valueOf(s), -metas.get(src).pending().getOrDefault(s, 0L)));
        call(src, BrickOp.META_UPDATE, path, h -> h.put(BrickFields.PENDING, clear), Buffer.buffer());
      }
      return Outcome.HEALED;
    } finally {
      call(lockBrick, BrickOp.UNLOCK, path, h -> h.put(BrickFields.OWNER, owner), Buffer.buffer());
    }
  }

  private void healSink(int source, int sink, String path, Attr attr, String gfid, boolean absent) {
    boolean arbiter = volume.bricks().get(sink).arbiter();
    if (attr.isDirectory()) {
      if (absent) {
        call(sink, BrickOp.MKDIR, path, owned(attr, gfid), Buffer.buffer());
      }
      healEntries(source, sink, path);
    } else if (attr.isSymlink()) {
      if (absent) {
        String target = call(source, BrickOp.READLINK, path).header().getString(BrickFields.TARGET);
        call(sink, BrickOp.SYMLINK, path, owned(attr, gfid).andThen(h -> h.put(BrickFields.TARGET, target)),
            Buffer.buffer());
      }
      return;
    } else {
      if (absent) {
        call(sink, BrickOp.CREATE, path, owned(attr, gfid), Buffer.buffer());
      }
      if (!arbiter) {
        for (long off = 0; off < attr.size(); off += WINDOW) {
          long at = off;
          Buffer data = call(source, BrickOp.READ, path, h -> h.put(BrickFields.OFFSET, at)
              .put(BrickFields.SIZE, WINDOW), Buffer.buffer()).data();
          call(sink, BrickOp.WRITE, path, h -> h.put(BrickFields.OFFSET, at), data);
        }
        call(sink, BrickOp.TRUNCATE, path, h -> h.put(BrickFields.SIZE, attr.size()), Buffer.buffer());
      }
    }
    call(sink, BrickOp.CHMOD, path, h -> h.put(BrickFields.MODE, attr.mode() & 07777), Buffer.buffer());
    call(sink, BrickOp.CHOWN, path, h -> h.put(BrickFields.UID, attr.uid()).put(BrickFields.GID, attr.gid()),
        Buffer.buffer());
    call(sink, BrickOp.UTIMENS, path, h -> h.put(BrickFields.ATIME, attr.atime()).put(BrickFields.MTIME,
        attr.mtime()), Buffer.buffer());
  }

  private static Consumer<JsonObject> owned(Attr attr, String gfid) {
    return h -> h.put(BrickFields.MODE, attr.mode() & 07777).put(BrickFields.UID, attr.uid())
        .put(BrickFields.GID, attr.gid()).put(BrickFields.GFID, gfid);
  }

  /**
   * Entry heal of a directory: what the source has and the sink lacks is created there (empty: its data is healed
   * through its own index entry, if it has one); what the sink has and the source does not was deleted while the
   * sink was away, and is deleted there too, so a deleted file never comes back.
   */
  private void healEntries(int source, int sink, String dir) {
    Map<String, Attr> want = listing(source, dir);
    Map<String, Attr> have = listing(sink, dir);
    String prefix = dir.equals("/") ? "/" : dir + "/";
    for (Map.Entry<String, Attr> e : want.entrySet()) {
      if (!have.containsKey(e.getKey())) {
        String child = prefix + e.getKey();
        String gfid = FileMeta.fromJson(call(source, BrickOp.META_GET, child).header().getJsonObject(BrickFields.META))
            .gfid();
        healSink(source, sink, child, e.getValue(), gfid, true);
      }
    }
    for (Map.Entry<String, Attr> e : have.entrySet()) {
      if (!want.containsKey(e.getKey())) {
        removeTree(sink, prefix + e.getKey(), e.getValue());
      }
    }
  }

  private Map<String, Attr> listing(int brick, String dir) {
    Map<String, Attr> out = new HashMap<>();
    call(brick, BrickOp.READDIR, dir).header().getJsonArray(BrickFields.ENTRIES).forEach(o -> {
      JsonObject e = (JsonObject) o;
      out.put(e.getString("name"), Attr.fromJson(e.getJsonObject(BrickFields.ATTR)));
    });
    return out;
  }

  private void removeTree(int brick, String path, Attr attr) {
    if (attr.isDirectory()) {
      listing(brick, path).forEach((name, a) -> removeTree(brick, path + "/" + name, a));
      call(brick, BrickOp.RMDIR, path);
    } else {
      call(brick, BrickOp.UNLINK, path);
    }
  }
}
