package dev.mortar.client.transport;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.BrickApi;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * RMDIR, which the typed brick API ({@code Requests}, {@code BrickCodec}) lacks: sent as the frame that a request
 * record of this shape would be encoded to ({@code op} RMDIR and {@code path}). A brick decoding requests with
 * BrickCodec refuses it until the API has {@code Requests.Rmdir}, which then replaces this record.
 */
public record Rmdir(String path) implements BrickRequest<Replies.Done> {
  @Override
  public Future<Replies.Done> applyTo(BrickApi brick) {
    return Future.failedFuture(new BrickException(Errno.EOPNOTSUPP, "RMDIR is not in the brick API"));
  }

  Future<Replies.Done> send(Vertx vertx, String address, long timeoutMs) {
    return BrickRequests.send(vertx, address, BrickOp.RMDIR, path, h -> { }, Buffer.buffer(), timeoutMs)
        .map(Replies.Done.INSTANCE);
  }
}
