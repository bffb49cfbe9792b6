package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private static final int KIB128 = 128 << 10;
  private final Vertx vertx = Vertx.vertx();
  private byte[] file = new byte[5 * ReadAhead.WINDOW + 12_345];
  private final List<String> fetches = Collections.synchronizedList(new ArrayList<>());
  private final ReadAhead reads = new ReadAhead((path, offset, size) -> {
    fetches.add(path + "@" + offset + "+" + size);
    byte[] f = file;
    int from = (int) Math.min(offset, f.length);
    return Buffer.buffer(Arrays.copyOfRange(f, from, (int) Math.min(f.length, offset + size)));
  }, vertx);

  ReadAheadTest() {
    new Random(7).nextBytes(file);
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  private byte[] readAll(String path) {
    Buffer all = Buffer.buffer();
    for (long off = 0; ; off += KIB128) {
      Buffer b = reads.read(path, off, KIB128);
      all.appendBuffer(b);
      if (b.length() < KIB128) {
        return all.getBytes();
      }
    }
  }

  @Test
  void aSequentialReaderGetsTheFileInWindowsNotKernelBlocks() {
    assertArrayEquals(file, readAll("/f"));
    int kernelReads = file.length / KIB128 + 1;
    assertTrue(fetches.size() <= 7, fetches.size() + " brick reads for " + kernelReads + " kernel reads: " + fetches);
  }

  @Test
  void ownWritesAndOneSecondOfAgeDropWhatWasReadAhead() throws Exception {
    reads.read("/f", 0, KIB128);
    file = file.clone();
    file[KIB128 + 1] = (byte) (file[KIB128 + 1] + 1);
    reads.invalidate(); // this client wrote
    assertEquals(file[KIB128 + 1], reads.read("/f", KIB128, KIB128).getByte(1));

    file = file.clone();
    file[2 * KIB128] = (byte) (file[2 * KIB128] + 1); // another client wrote
    Thread.sleep(1_100);
    assertEquals(file[2 * KIB128], reads.read("/f", 2 * KIB128, KIB128).getByte(0), "changed within a second");
  }

  @Test
  void randomReadsFetchOnlyWhatWasAskedAndARenameIsFollowed() {
    reads.read("/f", 3 * KIB128, 4096);
    assertEquals(List.of("/f@393216+4096"), fetches);
    assertArrayEquals(Arrays.copyOfRange(file, 0, 4096), reads.read("/.fuse_hidden1", 0, 4096).getBytes());
    assertEquals("/.fuse_hidden1", fetches.get(1).split("@")[0]);
  }
}
