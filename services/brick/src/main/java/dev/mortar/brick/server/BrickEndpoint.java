package dev.mortar.brick.server;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.BrickApi;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.cluster.ServiceRegistration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A brick's address on the event bus: each frame decoded ({@link BrickCodec}, EINVAL for a malformed one), handed to
 * the brick's {@link BrickApi}, timed, and answered with the reply's frame or the failure's errno. Listening starts
 * before the storage is open: until then every request is answered "offline" (ENOTCONN) rather than not at all.
 */
public final class BrickEndpoint {
  private static final Logger LOG = Logger.getLogger(BrickEndpoint.class.getName());

  private final Vertx vertx;
  private final BrickInfo info;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  /** Null while the brick's storage is not open. */
  private volatile BrickApi service;

  public BrickEndpoint(Vertx vertx, BrickInfo info, MeterRegistry registry) {
    this.vertx = vertx;
    this.info = info;
    this.registry = registry;
  }

  /** Starts listening at {@code address}; call from the brick's verticle. */
  public Future<?> listen(String address) {
    return ServiceRegistration.<BrickFrame>register(vertx, address, this::handle);
  }

  /** The storage is open: requests go to {@code service} from now on. */
  public void serve(BrickApi service) {
    this.service = service;
  }

  private void handle(Message<BrickFrame> m) {
    BrickApi s = service;
    if (s == null) {
      m.fail(Errno.ENOTCONN.code, "brick " + info.brickName()
          + " is offline: not open yet (its object store has not answered)");
      return;
    }
    BrickRequest<?> request;
    try {
      request = BrickCodec.decodeRequest(m.body());
    } catch (BrickException e) {
      m.fail(e.errno().code, e.getMessage());
      return;
    }
    long t0 = System.nanoTime();
    Future<?> reply;
    try {
      reply = request.applyTo(s);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    // Answered on whichever thread completes the reply: a worker answers itself.
    reply.onComplete(ar -> answer(m, BrickCodec.op(request), t0, ar));
  }

  private void answer(Message<BrickFrame> m, BrickOp op, long t0, AsyncResult<?> ar) {
    Throwable cause = ar.cause();
    String outcome = ar.succeeded() ? outcome(ar.result())
        : cause instanceof BrickException e ? e.errno().name() : Errno.EIO.name();
    // Counted before the answer leaves: whoever was answered finds it counted.
    timer(op, outcome).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    if (ar.succeeded()) {
      m.reply(BrickCodec.encodeReply(ar.result()));
    } else if (cause instanceof BrickException e) {
      m.fail(e.errno().code, e.getMessage());
    } else {
      LOG.log(Level.WARNING, "brick " + info.brickName() + ": " + op + " failed unexpectedly", cause);
      m.fail(Errno.EIO.code, op + " failed on brick " + info.brickName() + ": " + cause);
    }
  }

  /** A session end whose dirty marks were not all cleared is answered, but counts as failed (EIO). */
  private static String outcome(Object reply) {
    return reply instanceof Replies.EndSessionsReply r && !r.failed().isEmpty() ? Errno.EIO.name() : "ok";
  }

  private Timer timer(BrickOp op, String outcome) {
    return timers.computeIfAbsent(op.name() + outcome, k -> Timer.builder("mortar_brick_op_seconds")
        .description("Brick operations by type and outcome (ok or errno)").tag("volume", info.volumeName())
        .tag("brick", info.brickName()).tag("op", op.name().toLowerCase()).tag("outcome", outcome)
        .register(registry));
  }
}
