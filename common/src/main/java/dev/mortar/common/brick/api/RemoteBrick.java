package dev.mortar.common.brick.api;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A brick reached over the event bus, at its address ({@link dev.mortar.common.api.Addresses#brick}). A failure comes
 * back as a {@link BrickException} with the brick's errno, ENOTCONN when nobody answered in time.
 */
public final class RemoteBrick extends AbstractBrickClient {
  private final Vertx vertx;
  private final String address;
  private final long timeoutMs;

  /** @param timeoutMs how long a request is waited for, unless {@link #call(BrickRequest, long)} says otherwise */
  public RemoteBrick(Vertx vertx, String address, long timeoutMs) {
    this.vertx = vertx;
    this.address = address;
    this.timeoutMs = timeoutMs;
  }

  public String address() {
    return address;
  }

  @Override
  public <R> Future<R> call(BrickRequest<R> request) {
    return call(request, timeoutMs);
  }

  public <R> Future<R> call(BrickRequest<R> request, long timeoutMs) {
    Class<R> type = BrickCodec.replyType(request);
    return vertx.eventBus().<BrickFrame>request(address, BrickCodec.encodeRequest(request),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .recover(e -> Future.failedFuture(e instanceof ReplyException r
            && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
            ? new BrickException(Errno.of(r.failureCode()), r.getMessage())
            : new BrickException(Errno.ENOTCONN, address + " is not reachable: " + e.getMessage())))
        .map(m -> BrickCodec.decodeReply(m.body(), type));
  }
}
