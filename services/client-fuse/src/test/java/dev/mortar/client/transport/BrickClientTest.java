package dev.mortar.client.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A brick's liveness is told by pings, not by how long one request takes. */
@ExtendWith(VertxExtension.class)
class BrickClientTest {
  private static final long PING_TIMEOUT_MS = 400;

  /** A brick at index 0 that answers pings as told and other requests after {@code slowMs}, or never (-1). */
  private static void brick(Vertx vertx, boolean answersPings, long slowMs) {
    BrickFrameCodec.register(vertx);
    vertx.eventBus().<BrickFrame>consumer(Addresses.brick("vol", 0), m -> {
      if (BrickCodec.decodeRequest(m.body()) instanceof Requests.Status) {
        if (answersPings) {
          m.reply(BrickCodec.encodeReply(new Replies.StatusReply(true, 1, 0, "/b", null, -1, java.util.List.of())));
        }
      } else if (slowMs >= 0) {
        vertx.setTimer(Math.max(1, slowMs), t -> m.reply(BrickCodec.encodeReply(Replies.Done.INSTANCE)));
      }
    });
  }

  private static BrickClient client(Vertx vertx) {
    return new BrickClient(vertx, "vol", 0, new Brick("n0", "/b", "u0", false), false, PING_TIMEOUT_MS);
  }

  @Test
  void aSlowRequestOfABrickThatAnswersPingsIsWaitedFor(Vertx vertx) throws Exception {
    brick(vertx, true, 4 * PING_TIMEOUT_MS); // an fsync of much data on a slow disk
    BrickClient c = client(vertx);
    Replies.Done f = c.call(new Requests.Fsync("/big", false)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(Replies.Done.INSTANCE, f);
    assertTrue(c.isUp(), "a busy brick is not taken for a dead one");
  }

  @Test
  void aBrickThatAnswersNoPingIsDownAfterAboutAPingTimeout(Vertx vertx) throws Exception {
    brick(vertx, false, -1); // a node cut off: nothing comes back
    BrickClient c = client(vertx);
    long t0 = System.nanoTime();
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> c.call(new Requests.Write("/f", 0, 0, null, Buffer.buffer("x"))).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(Errno.ENOTCONN, ((BrickException) e.getCause()).errno(), e.getCause().getMessage());
    assertTrue(ms >= PING_TIMEOUT_MS - 50 && ms < 2 * PING_TIMEOUT_MS, "failed after " + ms + " ms");
    assertFalse(c.isUp());
  }
}
