package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

class WriteGatherTest {
  private static final int MAX = 1 << 20;
  private final WriteGather.Spares spares = new WriteGather.Spares(MAX, 2);

  private static Pointer kernelBuffer(byte[] bytes) {
    Pointer p = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), bytes.length);
    p.put(0, bytes, 0, bytes.length);
    return p;
  }

  @Test
  void sequentialWritesFromTheKernelsBufferAreGatheredInOrderUntilFull() {
    byte[] chunk = new byte[128 << 10];
    WriteGather g = null;
    byte[] expected = new byte[MAX];
    for (int i = 0; i < 8; i++) {
      Arrays.fill(chunk, (byte) i);
      System.arraycopy(chunk, 0, expected, i * chunk.length, chunk.length);
      long at = 4096L + (long) i * chunk.length;
      if (g == null) {
        g = new WriteGather("/f", at, chunk.length, spares);
      } else {
        assertTrue(g.continuedBy("/f", at, chunk.length), "write " + i + " continues the gather");
      }
      assertFalse(g.full());
      g.add(WriteGather.Bytes.of(kernelBuffer(chunk), chunk.length));
    }
    assertTrue(g.full());
    assertFalse(g.continuedBy("/f", g.end(), 1), "a full gather takes no more");
    Buffer data = g.data();
    assertEquals(MAX, data.length());
    assertArrayEquals(expected, data.getBytes());
    assertEquals(4096L + MAX, g.end());
  }

  @Test
  void smallWritesGrowTheGatherAndOnlyAContinuationOfTheSameNameJoinsIt() {
    WriteGather g = new WriteGather("/f", 0, 10, spares);
    g.add(WriteGather.Bytes.of("0123456789".getBytes()));
    for (int i = 0; i < 20; i++) { // past the first array's 80 bytes
      assertTrue(g.continuedBy("/f", g.end(), 10));
      g.add(WriteGather.Bytes.of("abcdefghij".getBytes()));
    }
    assertEquals(210, g.data().length());
    assertEquals("0123456789abcdefghij", g.data().getString(0, 20));
    assertFalse(g.continuedBy("/f", g.end() + 1, 10), "a gap");
    assertFalse(g.continuedBy("/f", 0, 10), "a rewrite");
    assertFalse(g.continuedBy("/g", g.end(), 10), "another name (the file was renamed while open)");
    assertTrue(g.overlaps(200, 300));
    assertFalse(g.overlaps(210, 300));
  }

  private static byte[] array(WriteGather g) {
    return ((io.vertx.core.internal.buffer.BufferInternal) g.data()).getByteBuf().array();
  }

  @Test
  void aFullGathersArrayIsUsedAgainOnlyOnceRecycled() {
    WriteGather first = new WriteGather("/f", 0, 128 << 10, spares);
    first.add(WriteGather.Bytes.of(new byte[] {1, 2, 3}));
    WriteGather second = new WriteGather("/f", 0, 128 << 10, spares);
    second.add(WriteGather.Bytes.of(new byte[] {9}));
    assertEquals(1, first.data().getByte(0), "two gathers on their way have arrays of their own");
    byte[] a = array(first);
    first.recycle();
    WriteGather third = new WriteGather("/g", 0, 128 << 10, spares);
    third.add(WriteGather.Bytes.of(new byte[] {7}));
    assertTrue(a == array(third), "the recycled array");
    assertEquals(7, third.data().getByte(0));
    WriteGather small = new WriteGather("/h", 0, 10, spares);
    small.add(WriteGather.Bytes.of(new byte[10]));
    assertTrue(array(small).length < MAX, "a gather of small writes starts small");
  }
}
