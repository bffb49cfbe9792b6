package dev.mortar.cli;

import dev.mortar.common.api.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Client of one node's admin API (docs/admin-api.md). Plain blocking {@link HttpClient}: a one-shot CLI has no use
 * for an event loop. Every answer, error or not, comes back as an {@link Answer}; only a node that cannot be talked
 * to at all raises an exception.
 */
public final class AdminClient {
  public static final int DEFAULT_PORT = 24007;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** A probe waits for the new peer to join the cluster, which takes up to about 20 s. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  /** @param remoteHost {@code HOST}, {@code HOST:PORT}, {@code [V6ADDR]:PORT} or a bare IPv6 address */
  public AdminClient(String remoteHost) {
    this.base = baseUri(remoteHost);
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
  }

  static URI baseUri(String remoteHost) {
    String host = remoteHost.trim();
    int port = DEFAULT_PORT;
    int colon = host.lastIndexOf(':');
    boolean bareV6 = host.indexOf(':') != colon && !host.startsWith("[");
    if (colon >= 0 && !bareV6 && !host.endsWith("]")) {
      String p = host.substring(colon + 1);
      host = host.substring(0, colon);
      try {
        port = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("--remote-host: '" + p + "' is not a port number (1-65535)");
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("--remote-host: no host given; use HOST or HOST:PORT");
    }
    String authority = host.contains(":") ? "[" + host + "]" : host;
    try {
      return URI.create("http://" + authority + ":" + port + "/api/v1");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--remote-host: '" + remoteHost + "' is not a host name or address");
    }
  }

  /** Percent-encodes one path segment (a volume name, host or option key). */
  public static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  public Answer post(String path, JsonObject body) {
    return send("POST", path, body);
  }

  public Answer put(String path, JsonObject body) {
    return send("PUT", path, body);
  }

  public Answer delete(String path) {
    return send("DELETE", path, null);
  }

  private Answer send(String method, String path, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw new Unreachable(e);
    } catch (HttpTimeoutException e) {
      throw new TimedOut(e);
    } catch (IOException e) {
      throw new Unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(e);
    }
    return Answer.of(response.statusCode(), response.body());
  }

  /**
   * One answer of the API.
   *
   * @param body the JSON answer; for an error always {@code {"error","status","message"}}
   */
  public record Answer(int status, JsonObject body) {
    static Answer of(int status, String text) {
      try {
        JsonObject body = text == null || text.isBlank() ? new JsonObject() : new JsonObject(text);
        if (status >= 300 && body.getString("message") == null) {
          body = error(status, "the node answered HTTP " + status + " without an error message");
        }
        return new Answer(status, body);
      } catch (DecodeException | ClassCastException e) {
        // Not the admin API (a proxy, another service on the port): say what came back.
        String start = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return new Answer(status >= 300 ? status : 500,
            error(status >= 300 ? status : 500, "unexpected answer (HTTP " + status + "): " + start.strip()));
      }
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public String message() {
      return body.getString("message", "");
    }

    /** An error body shaped like the API's own, for failures the CLI detects itself. */
    public static JsonObject error(int status, String message) {
      return new JsonObject().put("error", ErrorCode.ofHttpStatus(status).name()).put("status", status)
          .put("message", message);
    }
  }

  /** The node could not be reached (refused, unresolvable, connect timeout, connection dropped). */
  public static final class Unreachable extends RuntimeException {
    Unreachable(Throwable cause) {
      super(cause.toString(), cause);
    }
  }

  /** The node took the request but gave no answer within the request timeout. */
  public static final class TimedOut extends RuntimeException {
    TimedOut(Throwable cause) {
      super(cause.toString(), cause);
    }
  }
}
