package dev.mortar.common.brick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class BrickFrameCodecTest {
  @Test
  void framesCrossTheWireWithTheirBytesUntouched() {
    byte[] data = new byte[70_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    BrickFrame f = new BrickFrame(new JsonObject().put("op", BrickOp.WRITE.name())
        .put("path", "/dätes.txt").put("offset", 1L << 33), Buffer.buffer(data));
    BrickFrameCodec codec = new BrickFrameCodec();
    Buffer wire = Buffer.buffer().appendString("prefix"); // the event bus puts its own header first
    codec.encodeToWire(wire, f);
    assertEquals(6 + 4 + f.header().toBuffer().length() + 4 + data.length, wire.length(), "nothing more, nothing less");
    BrickFrame back = codec.decodeFromWire(6, wire);
    assertEquals(f.header(), back.header());
    assertArrayEquals(data, back.data().getBytes());
    assertEquals(0, codec.decodeFromWire(0, wireOf(BrickFrame.of(new JsonObject().put("op", BrickOp.LOOKUP.name())))).data().length());
  }

  private static Buffer wireOf(BrickFrame f) {
    Buffer b = Buffer.buffer();
    new BrickFrameCodec().encodeToWire(b, f);
    return b;
  }
}
