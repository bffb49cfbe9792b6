package dev.mortar.common.brick;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** One brick request or reply: a small JSON header and, for reads, writes and xattr values, the raw bytes. */
public record BrickFrame(JsonObject header, Buffer data) {
  private static final Buffer EMPTY = Buffer.buffer(0);

  public static BrickFrame of(JsonObject header) {
    return new BrickFrame(header, EMPTY);
  }

  public BrickFrame withData(Buffer d) {
    return new BrickFrame(header, d);
  }
}
