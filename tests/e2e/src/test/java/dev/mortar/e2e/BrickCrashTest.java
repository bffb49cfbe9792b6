package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.cluster.ClusterBootstrap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A brick's node killed with SIGKILL in the middle of a stream of writes. Each file is written the way a replicating
 * client does it: create, mark dirty (durable), write in pieces, fsync, clear the mark, and only then count it as
 * acknowledged. After the restart every acknowledged file is intact and clean, and no file is marked clean unless its
 * data is whole: a torn file is dirty and in the heal index.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrickCrashTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();
  private static final int PIECES = 8;
  private static final int PIECE = 16 << 10;
  private static final int WRITERS = 4;

  private LocalNodes nodes;
  private Vertx client;

  @AfterAll
  void stop() throws Exception {
    closeClient();
    if (nodes != null) {
      nodes.close();
    }
  }

  private static byte[] content(int file) {
    byte[] b = new byte[PIECES * PIECE];
    for (int o = 0; o < b.length; o++) {
      b[o] = (byte) (file * 131 + o * 7);
    }
    return b;
  }

  /** Joins the pool from this JVM as a Hazelcast lite member (holds no cluster data), as a mount does. */
  private void joinPool() throws Exception {
    JsonObject info = nodes.get(1, "/api/v1/node");
    int base = nodes.net.adminPort();
    client = ClusterBootstrap.start(nodes.host(1), base + 11, base + 12, info.getString("poolId"),
            List.of(nodes.host(1) + ":" + (base + 1)), true, new SimpleMeterRegistry())
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private void closeClient() throws Exception {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      client = null;
    }
  }

  private <R> R call(String volumeId, BrickRequest<R> request) throws Exception {
    return new RemoteBrick(client, Addresses.brick(volumeId, 0), 2_000).call(request)
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Requests.MetaUpdate dirty(String path, long dirty, long dataVersion) {
    return new Requests.MetaUpdate(path, dirty, dataVersion, 0, Map.of());
  }

  private void awaitBrick(String volumeId) {
    Eventually.await("brick answers over the event bus", Duration.ofSeconds(30), () -> {
      try {
        return call(volumeId, Requests.Status.INSTANCE).online();
      } catch (Exception e) {
        return false;
      }
    }, ok -> ok);
  }

  @Test
  void acknowledgedWritesSurviveSigkillAndNothingTornIsMarkedClean() throws Exception {
    nodes = LocalNodes.start("BrickCrashTest", 1, LOGS);
    String brick = nodes.brick(1, "crash");
    Path brickDir = Path.of(brick.substring(brick.indexOf(":/") + 1));
    assertEquals(0, nodes.cli(1).run("volume", "create", "crash", brick).exit());
    assertEquals(0, nodes.cli(1).run("volume", "start", "crash").exit());
    String volumeId = nodes.get(1, "/api/v1/volumes/crash").getString("id");
    joinPool();
    awaitBrick(volumeId);
    call(volumeId, new Requests.Mkdir("/c", 0755, -1, -1, null, 0));

    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    Thread[] writers = new Thread[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
      writers[w] = new Thread(() -> {
        while (!killed.get()) {
          int i = next.getAndIncrement();
          String p = "/c/f" + i;
          byte[] data = content(i);
          try {
            call(volumeId, new Requests.Create(p, 0644, -1, -1, null, true, 0, null, 0, Buffer.buffer()));
            call(volumeId, dirty(p, 1, 1));
            for (int k = 0; k < PIECES; k++) {
              long off = (long) k * PIECE;
              call(volumeId, new Requests.Write(p, off, 0, null,
                  Buffer.buffer(Arrays.copyOfRange(data, (int) off, (int) off + PIECE))));
            }
            call(volumeId, new Requests.Fsync(p, false));
            call(volumeId, dirty(p, -1, 0));
            acknowledged.add(i);
          } catch (Exception e) {
            return; // the node is gone: this file was not acknowledged
          }
        }
      }, "writer-" + w);
      writers[w].start();
    }
    Eventually.await("some files acknowledged", Duration.ofSeconds(30), acknowledged::size, n -> n >= 40);
    Thread.sleep(300);
    killed.set(true);
    nodes.node(1).kill(); // SIGKILL, mid-stream
    for (Thread t : writers) {
      t.join(10_000);
    }
    closeClient();

    nodes.node(1).launch().awaitRunning();
    joinPool();
    awaitBrick(volumeId);

    try (Stream<Path> tmp = Files.list(brickDir.resolve(".mortar/tmp"))) {
      assertEquals(0, tmp.count(), "half-made files are cleared at restart");
    }
    Set<String> index = new HashSet<>();
    call(volumeId, Requests.IndexList.INSTANCE).entries().forEach(e -> index.add(e.gfid()));

    int torn = 0;
    int whole = 0;
    int empty = 0;
    Map<Integer, byte[]> onDisk = new ConcurrentHashMap<>();
    try (Stream<Path> files = Files.list(brickDir.resolve("c"))) {
      for (Path f : files.toList()) {
        int i = Integer.parseInt(f.getFileName().toString().substring(1));
        onDisk.put(i, Files.readAllBytes(f));
      }
    }
    for (Map.Entry<Integer, byte[]> e : onDisk.entrySet()) {
      int i = e.getKey();
      byte[] data = e.getValue();
      FileMeta m = call(volumeId, new Requests.MetaGet("/c/f" + i)).meta();
      boolean complete = Arrays.equals(content(i), data);
      if (acknowledged.contains(i)) {
        assertArrayEquals(content(i), data, "acknowledged file f" + i + " is intact");
        assertTrue(m.clean(), "acknowledged file f" + i + " is clean: " + m.toJson());
      }
      if (m.clean()) {
        assertTrue(complete || (data.length == 0 && m.dataVersion() == 0),
            "f" + i + " is marked clean, so its data must be whole (or never written): " + data.length + " bytes");
      } else {
        assertTrue(index.contains(m.gfid()), "dirty f" + i + " is in the heal index");
      }
      torn += !complete && !m.clean() ? 1 : 0;
      whole += complete ? 1 : 0;
      empty += data.length == 0 ? 1 : 0;
    }
    for (int i : acknowledged) {
      assertTrue(onDisk.containsKey(i), "acknowledged file f" + i + " exists");
    }
    E2e.note("brick crash: " + acknowledged.size() + " files acknowledged before SIGKILL, " + onDisk.size()
        + " on disk after restart: " + whole + " whole, " + torn + " torn and marked dirty, " + empty + " empty");
  }
}
