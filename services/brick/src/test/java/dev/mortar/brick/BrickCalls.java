package dev.mortar.brick;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.Errno;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Brick calls from a test, waited for: the brick's failure comes out as its {@link BrickException}. */
public final class BrickCalls {
  private BrickCalls() {}

  /** Waits for a call, e.g. of a {@link dev.mortar.common.brick.api.RemoteBrick}. */
  public static <R> R await(Future<R> call) {
    try {
      return call.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BrickException b) {
        throw b;
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A frame with {@code header} as any sender on the event bus may make it, past the typed API: what the brick's
   * codec must refuse when it is malformed. The reply's frame, or the brick's failure.
   */
  public static BrickFrame raw(Vertx vertx, String address, JsonObject header) {
    return await(vertx.eventBus().<BrickFrame>request(address, BrickFrame.of(header),
            new DeliveryOptions().setSendTimeout(10_000)).map(Message::body)
        .recover(e -> Future.failedFuture(e instanceof ReplyException r
            ? new BrickException(Errno.of(r.failureCode()), r.getMessage()) : e)));
  }
}
