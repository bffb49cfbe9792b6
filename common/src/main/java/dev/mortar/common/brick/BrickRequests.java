package dev.mortar.common.brick;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/** Sends one brick request; a failure comes back as a {@link BrickException} with the brick's errno (ENOTCONN when
 * nobody answered in time). Used by the FUSE client and the healer alike. */
public final class BrickRequests {
  private BrickRequests() {}

  public static Future<BrickFrame> send(Vertx vertx, String address, BrickOp op, String path,
                                        Consumer<JsonObject> fields, Buffer data, long timeoutMs) {
    JsonObject h = new JsonObject().put(BrickFields.OP, op.name()).put(BrickFields.PATH, path);
    fields.accept(h);
    return vertx.eventBus().<BrickFrame>request(address, new BrickFrame(h, data),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(m -> m.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r
            && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? new BrickException(Errno.of(r.failureCode()), r.getMessage())
            : new BrickException(Errno.ENOTCONN, address + " is not reachable: " + e.getMessage())));
  }
}
