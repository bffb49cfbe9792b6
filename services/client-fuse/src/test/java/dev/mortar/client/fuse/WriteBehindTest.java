package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A handle's write-behind against real brick services: its window, its order and its deferred error. */
@ExtendWith(VertxExtension.class)
class WriteBehindTest {
  private static final int GATHER = 4;
  private static final int MAX_REQUESTS = 2;

  @TempDir
  Path dir;

  private WriteBehind writeBehind(ReplicaSet rs) {
    WriteLease.Hold hold = new WriteLease.Hold(null, rs.liveDataBricks(), null);
    return new WriteBehind(rs, new WriteGather.Spares(GATHER, MAX_REQUESTS), () -> hold, MAX_REQUESTS, 1 << 20);
  }

  @Test
  void sequentialWritesAreGatheredAndSentWithAtMostAWindowInFlightInOrder(Vertx vertx) throws Exception {
    ReplicaSet rs = TestVolume.start(vertx, dir);
    rs.write(new Requests.Create("/f", 0644, -1, -1, UUID.randomUUID().toString(), false, 0, null, 0,
        Buffer.buffer()), "/");
    WriteBehind w = writeBehind(rs);
    byte[] expected = new byte[10 * GATHER];
    for (int i = 0; i < expected.length; i += 2) {
      byte[] two = {(byte) i, (byte) (i + 1)};
      System.arraycopy(two, 0, expected, i, 2);
      assertFalse(w.overlaps(i, i + 2), "a sequential write does not overlap what came before");
      w.makeRoom(two.length);
      w.add("/f", i, WriteGather.Bytes.of(two));
      assertTrue(w.inFlight() <= MAX_REQUESTS, "at most " + MAX_REQUESTS + " requests in flight");
    }
    assertTrue(w.pending());
    assertTrue(w.overlaps(expected.length - 1, expected.length), "a write over one not answered yet overlaps it");
    w.drain();
    assertFalse(w.pending());
    assertTrue(w.allAnswered());
    assertDoesNotThrow(w::throwDeferred);
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(expected, Files.readAllBytes(dir.resolve("b" + i + "/f")), "brick " + i);
    }
  }

  @Test
  void theFirstFailureOfAWriteAlreadyAcknowledgedIsThrownOnceAtTheNextCall(Vertx vertx) throws Exception {
    ReplicaSet rs = TestVolume.start(vertx, dir);
    WriteBehind w = writeBehind(rs);
    w.add("/no-such-dir/f", 0, WriteGather.Bytes.of(new byte[GATHER])); // full: sent at once
    w.add("/no-such-dir/f", GATHER, WriteGather.Bytes.of(new byte[1]));
    w.drain(); // acknowledged writes: their failure is kept, not thrown here
    assertFalse(w.pending());
    BrickException e = assertThrows(BrickException.class, w::throwDeferred);
    assertEquals(Errno.ENOENT, e.errno());
    assertDoesNotThrow(w::throwDeferred, "returned once");
  }
}
