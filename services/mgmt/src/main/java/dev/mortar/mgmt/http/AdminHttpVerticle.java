package dev.mortar.mgmt.http;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.api.ErrorCode;
import dev.mortar.common.api.MgmtOp;
import dev.mortar.common.api.MortarException;
import dev.mortar.mgmt.pool.MgmtContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * The HTTP admin API under {@code /api/v1/} and Prometheus {@code /metrics}. Each endpoint only translates: the
 * request becomes a message to this node's management service and its answer (or failure code) becomes the
 * response, so the API and the event-bus contract cannot drift apart. Documented in docs/admin-api.md.
 */
public final class AdminHttpVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(AdminHttpVerticle.class.getName());
  /** Long enough for a probe, which waits for the new peer to join the cluster. */
  private static final long REQUEST_TIMEOUT_MS = 60_000;
  private static final int BODY_LIMIT = 1 << 20;

  private final MgmtContext ctx;
  private final MgmtMetrics metrics;
  private HttpServer server;
  /** Requests waiting for the management service: answered 503 if this node stops (or rejoins) meanwhile. */
  private final java.util.Set<RoutingContext> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public AdminHttpVerticle(MgmtContext ctx, MgmtMetrics metrics) {
    this.ctx = ctx;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    api(r, HttpMethod.GET, "/api/v1/node", MgmtOp.NODE_INFO, 200, (rc, b) -> { });
    api(r, HttpMethod.GET, "/api/v1/peers", MgmtOp.PEER_STATUS, 200, (rc, b) -> { });
    api(r, HttpMethod.POST, "/api/v1/peers", MgmtOp.PEER_PROBE, 200, (rc, b) -> { });
    api(r, HttpMethod.DELETE, "/api/v1/peers/:host", MgmtOp.PEER_DETACH, 200, (rc, b) -> {
      b.put("host", rc.pathParam("host"));
      forceParam(rc, b);
    });
    api(r, HttpMethod.GET, "/api/v1/pool", MgmtOp.POOL_LIST, 200, (rc, b) -> { });
    api(r, HttpMethod.GET, "/api/v1/volumes", MgmtOp.VOLUME_LIST, 200, (rc, b) -> { });
    api(r, HttpMethod.POST, "/api/v1/volumes", MgmtOp.VOLUME_CREATE, 201, (rc, b) -> { });
    api(r, HttpMethod.GET, "/api/v1/volumes/:name", MgmtOp.VOLUME_INFO, 200, this::name);
    api(r, HttpMethod.DELETE, "/api/v1/volumes/:name", MgmtOp.VOLUME_DELETE, 200, this::name);
    api(r, HttpMethod.POST, "/api/v1/volumes/:name/start", MgmtOp.VOLUME_START, 200, this::name);
    api(r, HttpMethod.POST, "/api/v1/volumes/:name/stop", MgmtOp.VOLUME_STOP, 200, this::name);
    api(r, HttpMethod.GET, "/api/v1/volumes/:name/status", MgmtOp.VOLUME_STATUS, 200, this::name);
    api(r, HttpMethod.GET, "/api/v1/volumes/:name/mount", MgmtOp.VOLUME_MOUNT_INFO, 200, (rc, b) -> b
        .put("name", rc.pathParam("name")).put(MgmtOp.MOUNT_CLIENT, rc.request().remoteAddress().hostAddress()));
    api(r, HttpMethod.GET, "/api/v1/volumes/:name/heal-info", MgmtOp.VOLUME_HEAL_INFO, 200, this::name);
    api(r, HttpMethod.POST, "/api/v1/volumes/:name/heal", MgmtOp.VOLUME_HEAL, 200, this::name);
    api(r, HttpMethod.POST, "/api/v1/volumes/:name/split-brain", MgmtOp.VOLUME_SPLIT_BRAIN, 200, this::name);
    api(r, HttpMethod.GET, "/api/v1/volumes/:name/options", MgmtOp.VOLUME_GET, 200, this::name);
    api(r, HttpMethod.GET, "/api/v1/volumes/:name/options/:key", MgmtOp.VOLUME_GET, 200, this::nameAndKey);
    api(r, HttpMethod.PUT, "/api/v1/volumes/:name/options", MgmtOp.VOLUME_SET, 200, this::name);
    api(r, HttpMethod.DELETE, "/api/v1/volumes/:name/options", MgmtOp.VOLUME_RESET, 200, this::name);
    api(r, HttpMethod.DELETE, "/api/v1/volumes/:name/options/:key", MgmtOp.VOLUME_RESET, 200, this::nameAndKey);
    api(r, HttpMethod.POST, "/api/v1/internal/join", MgmtOp.POOL_JOIN, 202, (rc, b) -> { });
    r.get("/metrics").handler(this::metrics);
    r.route().last().handler(rc -> error(rc, new MortarException(ErrorCode.NOT_FOUND, "no endpoint "
        + rc.request().method() + " " + rc.request().path() + "; see docs/admin-api.md")));
    r.route().failureHandler(rc -> error(rc, rc.statusCode() == 413
        ? MortarException.badRequest("request body larger than " + BODY_LIMIT + " bytes")
        : rc.failure() != null ? MortarException.from(rc.failure())
        : new MortarException(ErrorCode.ofHttpStatus(rc.statusCode()), "HTTP " + rc.statusCode())));
    return vertx.createHttpServer().requestHandler(r)
        .listen(ctx.config().adminPort(), ctx.config().adminBind())
        .onSuccess(s -> {
          server = s;
          LOG.info("admin API on http://" + ctx.config().adminBind() + ":" + s.actualPort() + "/api/v1/");
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on admin port "
            + ctx.config().adminBind() + ":" + ctx.config().adminPort() + " (" + e.getMessage()
            + "); is another node using it? Set --admin-port or --admin-bind", e)));
  }

  private void name(RoutingContext rc, JsonObject b) {
    b.put("name", rc.pathParam("name"));
    forceParam(rc, b);
  }

  private void nameAndKey(RoutingContext rc, JsonObject b) {
    b.put("name", rc.pathParam("name")).put("key", rc.pathParam("key"));
  }

  private static void forceParam(RoutingContext rc, JsonObject b) {
    String f = rc.queryParams().get("force");
    if (f != null) {
      b.put("force", Boolean.parseBoolean(f));
    }
  }

  /** One endpoint: body (if any) plus path parameters go to the management service as operation {@code op}. */
  private void api(Router r, HttpMethod method, String path, MgmtOp op, int okStatus,
                   BiConsumer<RoutingContext, JsonObject> params) {
    Route route = r.route(method, path);
    route.handler(rc -> {
      long t0 = System.nanoTime();
      rc.addEndHandler(v -> metrics.adminRequest(path, rc.response().getStatusCode(), System.nanoTime() - t0));
      JsonObject body;
      try {
        body = body(rc);
        params.accept(rc, body);
      } catch (MortarException e) {
        error(rc, e);
        return;
      }
      inFlight.add(rc);
      ctx.vertx().eventBus().<JsonObject>request(Addresses.mgmt(ctx.uuid()), body,
              new DeliveryOptions().addHeader(MgmtOp.HEADER, op.name()).setSendTimeout(REQUEST_TIMEOUT_MS))
          .onComplete(ar -> inFlight.remove(rc))
          .onSuccess(m -> {
            if (!rc.response().ended()) {
              rc.response().setStatusCode(okStatus).putHeader("content-type", "application/json")
                  .end(m.body().encodePrettily());
            }
          })
          .onFailure(e -> error(rc, MortarException.from(e)));
    });
  }

  private static JsonObject body(RoutingContext rc) {
    if (rc.body() == null || rc.body().buffer() == null || rc.body().length() <= 0) {
      return new JsonObject();
    }
    try {
      JsonObject j = rc.body().asJsonObject();
      return j == null ? new JsonObject() : j;
    } catch (DecodeException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw MortarException.badRequest("request body is not valid JSON: " + why);
    } catch (ClassCastException e) {
      throw MortarException.badRequest("request body must be a JSON object");
    }
  }

  private void metrics(RoutingContext rc) {
    vertx.executeBlocking(() -> ((PrometheusMeterRegistry) ctx.registry()).scrape(), false)
        .onSuccess(text -> rc.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(text))
        .onFailure(rc::fail);
  }

  private static void error(RoutingContext rc, MortarException e) {
    if (rc.response().ended()) {
      return;
    }
    rc.response().setStatusCode(e.code().httpStatus).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", e.code().name()).put("status", e.code().httpStatus)
            .put("message", e.getMessage()).encodePrettily());
  }

  @Override
  public Future<?> stop() {
    for (RoutingContext rc : inFlight) {
      error(rc, MortarException.unavailable("this node is restarting its cluster membership (it joined or left a"
          + " pool, or it is stopping); try again in a few seconds"));
    }
    inFlight.clear();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
