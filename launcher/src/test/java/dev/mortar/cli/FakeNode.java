package dev.mortar.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a node's admin API on 127.0.0.1: answers set per {@code METHOD /path[?query]}, and a record of
 * every request the CLI sent. A request with no answer set gets a 500, so a test sees it.
 */
final class FakeNode implements AutoCloseable {
  record Request(String method, String uri, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private record Reply(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeNode() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:PORT}, for --remote-host. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  FakeNode answer(String methodAndUri, int status, JsonObject body) {
    return answer(methodAndUri, status, body.encode());
  }

  FakeNode answer(String methodAndUri, int status, String body) {
    replies.put(methodAndUri, new Reply(status, body));
    return this;
  }

  /** An error answer shaped as the API shapes them. */
  FakeNode fail(String methodAndUri, int status, String error, String message) {
    return answer(methodAndUri, status,
        new JsonObject().put("error", error).put("status", status).put("message", message));
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String uri = exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
    requests.add(new Request(exchange.getRequestMethod(), uri, body));
    Reply reply = replies.getOrDefault(exchange.getRequestMethod() + " " + uri,
        new Reply(500, "{\"error\":\"INTERNAL\",\"status\":500,\"message\":\"FakeNode: no answer set for "
            + exchange.getRequestMethod() + " " + uri + "\"}"));
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
