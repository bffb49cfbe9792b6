package dev.mortar.mgmt.pool;

import dev.mortar.common.api.MortarException;
import dev.mortar.common.config.PoolTunables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The admin API of a node that is not (yet) in our cluster: a probe must reach it before the event bus can.
 */
public final class RemoteNode {

  private final HttpClient http;

  public RemoteNode(Vertx vertx) {
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(PoolTunables.PEER_HTTP_MS.getInt()));
  }

  /** {@code GET /api/v1/node} of the node at host:port. */
  public Future<JsonObject> identity(String host, int port) {
    return call(HttpMethod.GET, host, port, "/api/v1/node", null);
  }

  /** Asks the node to adopt {@code state} and join its pool. */
  public Future<JsonObject> join(String host, int port, JsonObject state) {
    return call(HttpMethod.POST, host, port, "/api/v1/internal/join", new JsonObject().put("state", state));
  }

  private Future<JsonObject> call(HttpMethod method, String host, int port, String uri, JsonObject body) {
    RequestOptions ro = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
        .setTimeout(PoolTunables.PEER_HTTP_MS.get()).putHeader("content-type", "application/json");
    return http.request(ro)
        .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          JsonObject j = b.length() == 0 ? new JsonObject() : new JsonObject(b);
          if (resp.statusCode() >= 300) {
            throw new MortarException(dev.mortar.common.api.ErrorCode.ofHttpStatus(resp.statusCode()),
                j.getString("message", "HTTP " + resp.statusCode()));
          }
          return j;
        }))
        .recover(e -> e instanceof MortarException ? Future.failedFuture(e)
            : Future.failedFuture(MortarException.unavailable("Probe returned with Transport endpoint is not"
                + " connected (" + host + ":" + port + ": " + String.valueOf(e.getMessage()).trim()
                .replaceAll("\\s+", " ") + "); check that 'mortar node' runs"
                + " there and the host name resolves")));
  }

  public Future<Void> close() {
    return http.close();
  }
}
