package dev.mortar.brick;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A brick request from a test, waited for: the brick's failure comes out as its {@link BrickException}. */
public final class BrickCalls {
  private BrickCalls() {}

  public static BrickFrame call(Vertx vertx, String address, BrickOp op, String path, Consumer<JsonObject> fields,
                                Buffer data) {
    try {
      return BrickRequests.send(vertx, address, op, path, fields, data, 10_000)
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BrickException b) {
        throw b;
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
