package dev.mortar.brick.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.config.S3Tunables;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What only an object-backed brick has: object writes per change, a fresh host, compaction and garbage collection. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3BrickStorageTest {
  @TempDir
  static Path dir;
  private S3ProxyServer server;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  void startServer() {
    server = S3ProxyServer.start(dir.resolve("s3proxy"));
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  private S3Store store(String prefix) {
    return new S3Store(server.config(), S3Location.parse("s3://mortar-test/" + prefix), registry, "v", prefix);
  }

  private long puts(String brick) {
    Timer t = registry.find("mortar_s3_requests_seconds").tag("brick", brick).tag("type", "put").tag("outcome", "ok")
        .timer();
    return t == null ? 0 : t.count();
  }

  private double bytesUp(String brick) {
    Counter c = registry.find("mortar_s3_bytes_total").tag("brick", brick).tag("direction", "up").counter();
    return c == null ? 0 : c.count();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void appendingAndOverwritingWriteOnlyTheNewBytesAndTheManifest() {
    S3BrickStorage s = S3BrickStorage.open(store("counts"), "vol");
    try {
      int size = 64 << 20;
      byte[] big = random(size, 1);
      s.create("/big", 0644, -1, -1, true, null);
      s.write("/big", 0, Buffer.buffer(big));
      assertEquals(16, s.extentCount("/big"), "64 MiB in blocks of 4 MiB");

      long puts0 = puts("counts");
      double up0 = bytesUp("counts");
      byte[] tail = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
      Attr a = s.write("/big", size, Buffer.buffer(tail));
      assertEquals(size + 100L, a.size());
      long appendPuts = puts("counts") - puts0;
      double appendBytes = bytesUp("counts") - up0;
      System.out.printf("[s3] append of 100 bytes to a 64 MiB file: %d PUTs, %.0f bytes%n", appendPuts, appendBytes);
      assertEquals(2, appendPuts, "one block and the manifest");
      assertTrue(appendBytes < 100 + 4096, "about 100 bytes and a manifest, not " + appendBytes);

      long puts1 = puts("counts");
      double up1 = bytesUp("counts");
      s.write("/big", 30L << 20, Buffer.buffer("overwrite!".getBytes(StandardCharsets.UTF_8)));
      long overwritePuts = puts("counts") - puts1;
      double overwriteBytes = bytesUp("counts") - up1;
      System.out.printf("[s3] overwrite of 10 bytes mid-file: %d PUTs, %.0f bytes%n", overwritePuts, overwriteBytes);
      assertEquals(2, overwritePuts);
      assertTrue(overwriteBytes < 10 + 4096, "only the bytes written and a manifest, not " + overwriteBytes);

      byte[] around = s.read("/big", (30L << 20) - 5, 20).getBytes();
      byte[] expected = Arrays.copyOfRange(big, (30 << 20) - 5, (30 << 20) + 15);
      System.arraycopy("overwrite!".getBytes(StandardCharsets.UTF_8), 0, expected, 5, 10);
      assertArrayEquals(expected, around);
      assertEquals("x".repeat(100), s.read("/big", size, 4096).toString(StandardCharsets.UTF_8));
    } finally {
      s.close();
    }
  }

  @Test
  void concurrentWritesToOneFileAllLandAndShareManifestPuts() throws Exception {
    S3BrickStorage s = S3BrickStorage.open(store("group"), "vol");
    try {
      s.create("/stream", 0644, -1, -1, true, null);
      int writes = 32;
      int size = 128 << 10;
      byte[] all = random(writes * size, 4);
      long puts0 = puts("group");
      var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int i = 0; i < writes; i++) {
        int n = i;
        done.add(pool.submit(() -> s.write("/stream", (long) n * size,
            Buffer.buffer(Arrays.copyOfRange(all, n * size, (n + 1) * size)))));
      }
      for (var f : done) {
        f.get();
      }
      pool.shutdown();
      long puts = puts("group") - puts0;
      System.out.printf("[s3] %d concurrent writes of 128 KiB to one file: %d PUTs%n", writes, puts);
      assertTrue(puts <= 2L * writes, "a block and at most one manifest per write");
      assertArrayEquals(all, s.read("/stream", 0, all.length).getBytes(), "every write landed where it was sent");
    } finally {
      s.close();
    }
  }

  @Test
  void aBrickOpenedOnAFreshHostServesTheSameFilesNamesAndRecords() {
    S3BrickStorage first = S3BrickStorage.open(store("fresh"), "vol");
    byte[] data = random(5 << 20, 2);
    first.mkdir("/dir", 0750, 12, 34, null);
    first.create("/dir/file", 0640, -1, -1, true, null);
    first.write("/dir/file", 0, Buffer.buffer(data));
    first.link("/dir/file", "/hard");
    first.symlink("/sym", "dir/file", -1, -1, null);
    first.setxattr("/dir/file", "user.colour", Buffer.buffer("blue"), 0);
    first.create("/sparse", 0644, -1, -1, true, null);
    first.truncate("/sparse", 5L << 30);
    first.rename("/dir/file", "/dir/renamed");
    FileMeta blamed = first.updateMeta("/dir/renamed", 0, 1, 0, Map.of(1, 1L));
    first.close();

    // A new process on another host: empty memory, empty cache, only the bucket.
    S3BrickStorage second = S3BrickStorage.open(store("fresh"), "vol");
    try {
      assertEquals(List.of("dir", "hard", "sparse", "sym"), names(second, "/"));
      assertEquals(List.of("renamed"), names(second, "/dir"));
      Attr d = second.lookup("/dir");
      assertEquals(0750, d.mode() & 07777);
      assertEquals(12, d.uid());
      Attr f = second.lookup("/dir/renamed");
      assertEquals(data.length, f.size());
      assertEquals(2, f.nlink(), "the hard link is still one file with two names");
      assertEquals(f.gfid(), second.lookup("/hard").gfid());
      assertArrayEquals(data, second.read("/dir/renamed", 0, data.length).getBytes());
      assertEquals("dir/file", second.readlink("/sym"));
      assertEquals("blue", second.getxattr("/hard", "user.colour").toString());
      assertEquals(5L << 30, second.lookup("/sparse").size());
      assertEquals(blamed, second.meta("/dir/renamed"), "replication records are in the bucket");
      assertEquals(List.of(new BrickStorage.IndexEntry(blamed.gfid(), "/dir/renamed")), second.healIndex(),
          "so is the heal index");
    } finally {
      second.close();
    }
  }

  @Test
  void specialFilesAreInodesWithTheirTypeAndDeviceNumberAndNoDataObject() {
    S3Store store = store("special");
    S3BrickStorage first = S3BrickStorage.open(store, "vol");
    long nullDev = (1 << 8) | 3;
    Attr fifo = first.mknod("/fifo", Attr.S_IFIFO | 0640, 0, 12, 34, null);
    first.mknod("/null", Attr.S_IFCHR | 0666, nullDev, -1, -1, null);
    first.mknod("/loop", Attr.S_IFBLK | 0660, 7 << 8, -1, -1, null);
    first.mknod("/sock", Attr.S_IFSOCK | 0755, 0, -1, -1, null);
    first.link("/fifo", "/fifo-link");
    first.chmod("/fifo", 0600);
    first.close();
    assertTrue(blocksInBucket(store).isEmpty(), "no data object: " + blocksInBucket(store));

    S3BrickStorage second = S3BrickStorage.open(store, "vol");
    try {
      assertEquals(List.of("fifo", "fifo-link", "loop", "null", "sock"), names(second, "/"));
      Attr f = second.lookup("/fifo-link");
      assertEquals(Attr.S_IFIFO | 0600, f.mode(), "the type bits and the mode are in the inode");
      assertEquals(fifo.gfid(), f.gfid());
      assertEquals(2, f.nlink());
      assertEquals(12, f.uid());
      assertEquals(Attr.S_IFCHR | 0666, second.lookup("/null").mode());
      assertEquals(nullDev, second.lookup("/null").rdev(), "and the device number");
      assertEquals(7L << 8, second.lookup("/loop").rdev());
      assertEquals(Attr.S_IFSOCK | 0755, second.lookup("/sock").mode());
      assertEquals(0, second.lookup("/sock").rdev());
    } finally {
      second.close();
    }
  }

  private static List<String> names(BrickStorage s, String dir) {
    return s.readdir(dir).stream().map(BrickStorage.DirEntry::name).sorted().toList();
  }

  @Test
  void smallBlocksAreCompactedAndBlocksNoManifestNamesAreDeleted() throws Exception {
    S3Store store = store("compact");
    S3BrickStorage s = S3BrickStorage.open(store, "vol");
    try {
      s.create("/log", 0644, -1, -1, true, null);
      byte[] all = random(40 * 65536, 3);
      for (int i = 0; i < 40; i++) {
        s.write("/log", i * 65536L, Buffer.buffer(Arrays.copyOfRange(all, i * 65536, (i + 1) * 65536)));
      }
      long deadline = System.currentTimeMillis() + 15_000;
      // Merged while the writes go on, so into blocks of 1 MiB or more: 2.5 MiB end in 3 blocks, or (on a busy
      // machine, where the last merge ran before the last writes) 2 big ones and the few small blocks written
      // after it, too few to queue another merge.
      while (s.extentCount("/log") > 3 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(s.extentCount("/log") < 2 + S3Tunables.COMPACT_AFTER.getInt(),
          "40 blocks of 64 KiB merged, not " + s.extentCount("/log"));
      assertArrayEquals(all, s.read("/log", 0, all.length).getBytes(), "the same bytes after compaction");

      // Compaction may still merge the last blocks: what the manifest names is read again until the bucket holds
      // exactly that (a snapshot taken before a last merge would name a block rightly deleted since).
      Set<String> named = s.blockKeys("/log");
      deadline = System.currentTimeMillis() + 15_000;
      while (!named.equals(blocksInBucket(store)) && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
        named = s.blockKeys("/log");
      }
      assertEquals(named, blocksInBucket(store), "the merged-away blocks are deleted from the bucket");

      // A block a crash left behind (written, never named by a manifest) is swept.
      String orphan = named.iterator().next().replaceAll("/[^/]+$", "/orphan");
      store.put(orphan, new byte[10]);
      s.collectGarbage(0);
      assertEquals(named, blocksInBucket(store));
      s.unlink("/log");
      deadline = System.currentTimeMillis() + 15_000;
      while (!blocksInBucket(store).isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(blocksInBucket(store).isEmpty(), "a deleted file's blocks go with it");
      assertFalse(store.list(InodeTree.INODES).stream().anyMatch(e -> !e.key().endsWith(InodeTree.ROOT_ID)),
          "and its inode");
    } finally {
      s.close();
    }
  }

  private static Set<String> blocksInBucket(S3Store store) {
    return store.list(Blocks.PREFIX).stream().map(S3Store.Entry::key)
        .collect(Collectors.toCollection(HashSet::new));
  }
}
