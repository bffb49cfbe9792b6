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
import dev.mortar.common.model.VolumeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The bricks of one volume as the healer reaches them: blocking requests (the healer runs on worker threads) that
 * fail with the brick's errno, ENOTCONN when a brick does not answer in time.
 */
final class BrickCalls {
  private final Vertx vertx;
  final Volume volume;
  private final long timeoutMs;

  BrickCalls(Vertx vertx, Volume volume, long timeoutMs) {
    this.vertx = vertx;
    this.volume = volume;
    this.timeoutMs = timeoutMs;
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
    return volume.bricks().size();
  }

  boolean arbiter(int brick) {
    return volume.bricks().get(brick).arbiter();
  }

  String name(int brick) {
    return volume.bricks().get(brick).name();
  }

  BrickFrame call(int brick, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    return await(brick, send(brick, op, path, fields, data));
  }

  /** Sends without waiting, so that several bricks work at once; {@link #await} the answer. */
  Future<BrickFrame> send(int brick, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    return BrickRequests.send(vertx, Addresses.brick(volume.id(), brick), op, path, fields, data, timeoutMs);
  }

  /** A request the brick may hold up to {@code waitMs} by design (a LOCK that waits): given that much longer. */
  BrickFrame callWaiting(int brick, BrickOp op, String path, Consumer<JsonObject> fields, long waitMs) {
    return await(brick, BrickRequests.send(vertx, Addresses.brick(volume.id(), brick), op, path, fields,
        Buffer.buffer(), timeoutMs + waitMs), waitMs);
  }

  BrickFrame await(int brick, Future<BrickFrame> f) {
    return await(brick, f, 0);
  }

  private BrickFrame await(int brick, Future<BrickFrame> f, long waitMs) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs + waitMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrickException b ? b : new BrickException(Errno.EIO, String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrickException(Errno.EIO, "interrupted");
    } catch (Exception e) {
      throw new BrickException(Errno.ENOTCONN, "brick " + name(brick) + " did not answer: " + e);
    }
  }

  BrickFrame call(int brick, BrickOp op, String path, Consumer<JsonObject> fields) {
    return call(brick, op, path, fields, Buffer.buffer());
  }

  BrickFrame call(int brick, BrickOp op, String path) {
    return call(brick, op, path, h -> { }, Buffer.buffer());
  }

  /** Does every brick of the volume answer now? */
  boolean allAnswer() {
    List<Future<BrickFrame>> asked = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      asked.add(send(i, BrickOp.STATUS, "/", h -> { }, Buffer.buffer()));
    }
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
    return FileMeta.fromJson(call(brick, BrickOp.META_GET, path).header().getJsonObject(BrickFields.META));
  }

  Attr lookup(int brick, String path) {
    return Attr.fromJson(call(brick, BrickOp.LOOKUP, path).header().getJsonObject(BrickFields.ATTR));
  }

  /** Adds {@code delta} to the blame {@code on} holds against each brick of {@code against}. */
  void blame(int on, String path, Map<Integer, Long> delta) {
    await(on, sendBlame(on, path, delta));
  }

  /** {@link #blame}, not waited for. */
  Future<BrickFrame> sendBlame(int on, String path, Map<Integer, Long> delta) {
    JsonObject pending = new JsonObject();
    delta.forEach((brick, n) -> pending.put(String.valueOf(brick), n));
    return send(on, BrickOp.META_UPDATE, path, h -> h.put(BrickFields.PENDING, pending), Buffer.buffer());
  }

  /** Waits for calls sent to bricks (each: the brick, its call); the first failure is thrown once all answered. */
  void awaitAll(List<Map.Entry<Integer, Future<BrickFrame>>> calls) {
    BrickException first = null;
    for (Map.Entry<Integer, Future<BrickFrame>> c : calls) {
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

  /** A directory's entries by name, with their attributes. */
  Map<String, Attr> listing(int brick, String dir) {
    Map<String, Attr> out = new LinkedHashMap<>();
    call(brick, BrickOp.READDIR, dir).header().getJsonArray(BrickFields.ENTRIES).forEach(o -> {
      JsonObject e = (JsonObject) o;
      out.put(e.getString("name"), Attr.fromJson(e.getJsonObject(BrickFields.ATTR)));
    });
    return out;
  }

  /** The digest of one window of a file, or null past its end. */
  String checksum(int brick, String path, long offset, int size) {
    JsonObject h = call(brick, BrickOp.CHECKSUM, path, x -> x.put(BrickFields.OFFSET, offset)
        .put(BrickFields.SIZE, size)).header();
    return h.getInteger(BrickFields.SIZE, 0) == 0 ? null : h.getString(BrickFields.SUM);
  }
}
