package dev.mortar.healer;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The bricks of one volume as the healer reaches them, one {@link RemoteBrick} each: blocking calls (the healer runs
 * on worker threads) that fail with the brick's errno, ENOTCONN when a brick does not answer in time.
 */
final class BrickCalls {
  /** Beyond a call's own timeout, how long a wait for its answer may last (the answer is on its way). */
  private static final long AWAIT_GRACE_MS = 5_000;

  final Volume volume;
  private final long timeoutMs;
  private final List<RemoteBrick> bricks;

  BrickCalls(Vertx vertx, Volume volume, long timeoutMs) {
    this.volume = volume;
    this.timeoutMs = timeoutMs;
    this.bricks = IntStream.range(0, volume.bricks().size())
        .mapToObj(i -> new RemoteBrick(vertx, Addresses.brick(volume.id(), i), timeoutMs)).toList();
  }

  /**
   * With the volume's {@code network.ping-timeout}, as its clients: a brick that does not answer within it is away
   * for this heal (retried later), and a request lost in a merging cluster holds a heal up no longer than a write.
   */
  static BrickCalls of(Vertx vertx, Volume volume) {
    return new BrickCalls(vertx, volume,
        Long.parseLong(VolumeOptions.effective(volume, VolumeOptions.PING_TIMEOUT)) * 1000);
  }

  int size() {
    return bricks.size();
  }

  boolean arbiter(int brick) {
    return volume.bricks().get(brick).arbiter();
  }

  String name(int brick) {
    return volume.bricks().get(brick).name();
  }

  <R> R call(int brick, BrickRequest<R> request) {
    return await(brick, send(brick, request));
  }

  /** Sends without waiting, so that several bricks work at once; {@link #await} the answer. */
  <R> Future<R> send(int brick, BrickRequest<R> request) {
    return bricks.get(brick).call(request);
  }

  /** A request the brick may hold up to {@code waitMs} by design (a LOCK that waits): given that much longer. */
  <R> R callWaiting(int brick, BrickRequest<R> request, long waitMs) {
    return await(brick, bricks.get(brick).call(request, timeoutMs + waitMs), waitMs);
  }

  <R> R await(int brick, Future<R> f) {
    return await(brick, f, 0);
  }

  private <R> R await(int brick, Future<R> f, long waitMs) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs + waitMs + AWAIT_GRACE_MS,
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrickException b ? b : new BrickException(Errno.EIO, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrickException(Errno.EIO, "interrupted");
    } catch (Exception e) {
      throw new BrickException(Errno.ENOTCONN, "brick " + name(brick) + " did not answer: " + e);
    }
  }

  /** Does every brick of the volume answer now? */
  boolean allAnswer() {
    List<Future<Replies.StatusReply>> asked = bricks.stream().map(b -> b.status(Requests.Status.INSTANCE)).toList();
    try {
      Future.all(asked).toCompletionStage().toCompletableFuture().get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  FileMeta meta(int brick, String path) {
    return call(brick, new Requests.MetaGet(path)).meta();
  }

  Attr lookup(int brick, String path) {
    return call(brick, new Requests.Lookup(path)).attr();
  }

  /** Adds {@code delta} to the blame {@code on} holds against each brick of {@code against}. */
  void blame(int on, String path, Map<Integer, Long> delta) {
    await(on, sendBlame(on, path, delta));
  }

  /** {@link #blame}, not waited for. */
  Future<Replies.MetaReply> sendBlame(int on, String path, Map<Integer, Long> delta) {
    return send(on, new Requests.MetaUpdate(path, 0, 0, 0, delta));
  }

  /** Waits for calls sent to bricks (each: the brick, its call); the first failure is thrown once all answered. */
  <R> void awaitAll(List<Map.Entry<Integer, Future<R>>> calls) {
    BrickException first = null;
    for (Map.Entry<Integer, Future<R>> c : calls) {
      try {
        await(c.getKey(), c.getValue());
      } catch (BrickException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Makes {@code path} on {@code brick} an entry like {@code like}: a directory, a FIFO, socket or device node (with
   * its device number), or a regular file, with its mode, owner and file ID, marked dirty {@code dirty} times (to be
   * filled next); an existing regular file is kept. Not waited for: its attributes once made.
   */
  Future<Attr> sendMake(int brick, String path, Attr like, long dirty) {
    int mode = like.mode() & 07777;
    if (like.isSpecial()) {
      return send(brick, new Requests.Mknod(path, like.mode(), like.rdev(), like.uid(), like.gid(), like.gfid(),
          dirty)).map(Replies.AttrReply::attr);
    }
    return like.isDirectory()
        ? send(brick, new Requests.Mkdir(path, mode, like.uid(), like.gid(), like.gfid(), dirty))
            .map(Replies.AttrReply::attr)
        : send(brick, new Requests.Create(path, mode, like.uid(), like.gid(), like.gfid(), false, dirty, null, 0,
            Buffer.buffer())).map(Replies.CreateReply::attr);
  }

  /** A directory's entries by name, with their attributes. */
  Map<String, Attr> listing(int brick, String dir) {
    Map<String, Attr> out = new LinkedHashMap<>();
    call(brick, new Requests.Readdir(dir)).entries().forEach(e -> out.put(e.name(), e.attr()));
    return out;
  }

  /** The digest of one window of a file, or null past its end. */
  String checksum(int brick, String path, long offset, int size) {
    Replies.ChecksumReply c = call(brick, new Requests.Checksum(path, offset, size));
    return c.size() == 0 ? null : c.sum();
  }

  /** The heal index of a brick. */
  List<Replies.IndexEntry> index(int brick) {
    return call(brick, Requests.IndexList.INSTANCE).entries();
  }
}
