package dev.mortar.common.brick;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Wire form of a {@link BrickFrame}: header length, header JSON (UTF-8), data length, data. The bytes of a file are
 * copied once into the frame, never turned into base64 or JSON. Register it on every Vert.x instance that talks to
 * bricks ({@link #register}); within one JVM frames are passed as they are.
 */
public final class BrickFrameCodec implements MessageCodec<BrickFrame, BrickFrame> {
  public static final String NAME = "mortar-brick-frame";

  public static void register(Vertx vertx) {
    vertx.eventBus().registerDefaultCodec(BrickFrame.class, new BrickFrameCodec());
  }

  @Override
  public void encodeToWire(Buffer buffer, BrickFrame f) {
    Buffer header = f.header().toBuffer();
    int at = buffer.length();
    int dataAt = at + 4 + header.length() + 4;
    // The data first: the buffer then grows once, to the frame's end. Appended after the header, a 1 MiB write
    // grew it by doubling from 1 KiB, allocating (and zeroing) four times its size and copying it again at each
    // step, on the sending thread.
    buffer.setBuffer(dataAt, f.data());
    buffer.setInt(at, header.length()).setBuffer(at + 4, header).setInt(dataAt - 4, f.data().length());
  }

  @Override
  public BrickFrame decodeFromWire(int pos, Buffer buffer) {
    int hlen = buffer.getInt(pos);
    JsonObject header = new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + hlen));
    int dpos = pos + 4 + hlen;
    int dlen = buffer.getInt(dpos);
    // A view, not a copy: the event bus hands each received message over in a buffer of its own, and a 1 MiB
    // write copied here cost the receiving event loop an allocation, its zeroing and the copy.
    return new BrickFrame(header, buffer.slice(dpos + 4, dpos + 4 + dlen));
  }

  @Override
  public BrickFrame transform(BrickFrame f) {
    return f; // frames are not changed after sending
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
