package dev.mortar.brick.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickCalls;
import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Requests;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What the endpoint adds to the operations: the codec's refusals at the wire, and the metric of every operation. */
@ExtendWith(VertxExtension.class)
class BrickEndpointTest {
  private static final String VOL = "endpoint-vol";
  @TempDir
  Path dir;
  private Vertx vertx;
  private RemoteBrick brick;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    vertx.deployVerticle(new BrickVerticle("v", VOL, 0, dir.resolve("b"), "n1:b", 24009, registry))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    brick = new RemoteBrick(vertx, Addresses.brick(VOL, 0), 10_000);
  }

  private <R> R call(BrickRequest<R> request) {
    return BrickCalls.await(brick.call(request));
  }

  private static Requests.Create create(String path) {
    return new Requests.Create(path, 0644, -1, -1, null, false, 0, null, 0, Buffer.buffer());
  }

  private void refused(JsonObject header, String why) {
    BrickException e = assertThrows(BrickException.class, () -> BrickCalls.raw(vertx, brick.address(), header));
    assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  /** Every entry under the brick, its private directory included, with its content. */
  private Map<String, String> onDisk() throws IOException {
    Path root = dir.resolve("b");
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        out.put(root.relativize(p).toString(), Files.isRegularFile(p)
            ? Arrays.toString(Files.readAllBytes(p)) : "dir");
      }
    }
    return out;
  }

  @Test
  void aMalformedRequestIsAnsweredEinvalAndChangesNothingOnDisk() throws Exception {
    call(create("/kept"));
    call(new Requests.Write("/kept", 0, 0, null, Buffer.buffer("original")));
    Map<String, String> before = onDisk();

    refused(new JsonObject().put("op", "CREATE").put("path", "/made").put("uid", 0).put("gid", 0)
        .put("exclusive", false).put("dirty", 0).put("lease", 0), "'mode' is missing");
    refused(new JsonObject().put("op", "TRUNCATE").put("path", "/kept").put("size", 1.5), "'size' must be a whole");
    refused(new JsonObject().put("op", "RENAME").put("path", "/kept"), "'to' is missing");
    refused(new JsonObject().put("op", "MKDIR").put("path", new JsonArray().add("/made")).put("mode", 0755)
        .put("uid", 0).put("gid", 0).put("dirty", 0), "'path' must be a string");
    refused(new JsonObject().put("op", "UNLINK_MANY").put("path", "/").put("names", new JsonArray().add("kept")
        .add(7)), "'names' must be a string");
    refused(new JsonObject().put("op", "FORMAT_DISK").put("path", "/"), "unknown brick operation FORMAT_DISK");
    refused(new JsonObject().put("path", "/kept"), "unknown brick operation");
    refused(new JsonObject().put("op", "WRITE").put("path", "/kept").put("offset", "0").put("dirty", 0),
        "'offset' must be a number");

    assertEquals(before, onDisk(), "nothing refused reached the brick's storage");
    assertEquals("original", call(new Requests.Read("/kept", 0, 100)).data().toString());
  }

  private double timed(String op, String outcome) {
    Timer t = registry.find("mortar_brick_op_seconds").tag("op", op).tag("outcome", outcome).timer();
    return t == null ? 0 : t.count();
  }

  @Test
  void everyOperationIsTimedByItsOutcome() {
    call(create("/f"));
    assertThrows(BrickException.class, () -> call(new Requests.Lookup("/missing")));
    call(new Requests.Lock("/f", "a", 10_000, 0));
    assertThrows(BrickException.class, () -> call(new Requests.Write("/f", 0, 0, "b", Buffer.buffer("late"))));
    call(new Requests.EndSessions(List.of(new Requests.SessionEnd("/gone", true, null, null))));

    assertEquals(1, timed("create", "ok"));
    assertEquals(1, timed("lookup", "ENOENT"));
    assertEquals(1, timed("lock", "ok"));
    assertEquals(1, timed("write", "ESTALE"), "a write refused for a lost lock");
    assertEquals(1, timed("end_sessions", "EIO"), "answered, but a dirty mark stayed");
    assertEquals("v", registry.find("mortar_brick_op_seconds").tag("op", "create").timer().getId().getTag("volume"));
    assertEquals("n1:b", registry.find("mortar_brick_op_seconds").tag("op", "create").timer().getId()
        .getTag("brick"));
  }
}
