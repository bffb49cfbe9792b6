package dev.mortar.brick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brick's times as a local disk keeps them: set to the nanosecond before 1970 and after 2038, one at a time, and a
 * directory's mtime and ctime moved by every change of names in it, with the directory as the change left it in the
 * answer. On local disk here, on S3 in {@link S3BrickTimesTest}.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrickTimesTest {
  private static final String VOL = "times-vol";
  private static final long SECOND = 1_000_000_000L;

  @TempDir
  static Path dir;
  private RemoteBrick brick;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    BrickFrameCodec.register(vertx);
    vertx.deployVerticle(new BrickVerticle("v", VOL, 0, location(), "n1:" + location(), 24009,
            new SimpleMeterRegistry(), s3()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    brick = new RemoteBrick(vertx, Addresses.brick(VOL, 0), 10_000);
  }

  String location() {
    return dir.resolve("brick").toString();
  }

  dev.mortar.brick.storage.s3.S3Config s3() {
    return null;
  }

  private <R> R call(BrickRequest<R> request) {
    return BrickCalls.await(brick.call(request));
  }

  private Attr lookup(String path) {
    return call(new Requests.Lookup(path)).attr();
  }

  private Attr times(String path, long atime, long mtime) {
    return call(new Requests.Utimens(path, atime, mtime)).attr();
  }

  private static Requests.Create create(String path) {
    return new Requests.Create(path, 0644, -1, -1, null, true, 0, null, 0, Buffer.buffer());
  }

  @Test
  void timesRoundTripToTheNanosecondBefore1970AndAfter2038() {
    call(create("/when"));
    long[] asked = {-SECOND - SECOND / 2, -1, -2, -315_619_200L * SECOND + 250_000_000L,
        4_102_444_800L * SECOND + 123_456_789L, 1_900_000_000L * SECOND};
    for (long t : asked) {
      Attr a = times("/when", t, t + 7);
      assertEquals(t, a.atime(), "atime " + t);
      assertEquals(t + 7, a.mtime(), "mtime " + (t + 7));
      Attr read = lookup("/when");
      assertEquals(t, read.atime(), "atime " + t + " as read back");
      assertEquals(t + 7, read.mtime(), "mtime " + (t + 7) + " as read back");
    }
  }

  @Test
  void oneTimeIsSetAloneAndTheOtherKept() {
    call(create("/one"));
    times("/one", 1_000 * SECOND, 2_000 * SECOND);
    Attr a = times("/one", 1_900_000_000L * SECOND, Requests.Utimens.OMIT);
    assertEquals(1_900_000_000L * SECOND, a.atime());
    assertEquals(2_000 * SECOND, a.mtime(), "mtime omitted");
    Attr m = times("/one", Requests.Utimens.OMIT, -5 * SECOND);
    assertEquals(1_900_000_000L * SECOND, m.atime(), "atime omitted");
    assertEquals(-5 * SECOND, m.mtime());
  }

  @Test
  void aSymbolicLinksOwnTimesAreSetToTheNanosecond() {
    call(new Requests.Symlink("/link", "target", -1, -1, null));
    long t = 2_524_608_000L * SECOND + 987_654_321L;
    Attr a = times("/link", t, t);
    assertTrue(a.isSymlink());
    assertEquals(t, a.mtime());
    assertEquals(t, lookup("/link").atime());
  }

  /**
   * Only a program sets access times: a brick's reads and listings (for a mount, a heal, a lookup answered from a
   * listing) leave them, even where a local disk's relatime would move them (atime older than mtime).
   */
  @Test
  void readsAndListingsLeaveAccessTimesAsSet() {
    call(new Requests.Mkdir("/r", 0755, -1, -1, null, 0));
    call(new Requests.Create("/r/f", 0644, -1, -1, java.util.UUID.randomUUID().toString(), true, 0, null, 0,
        Buffer.buffer("data")));
    call(new Requests.Symlink("/r/s", "f", -1, -1, null));
    for (String p : List.of("/r", "/r/f", "/r/s")) {
      times(p, 100 * SECOND, 200 * SECOND);
    }
    call(new Requests.Readdir("/r"));
    call(new Requests.ListNames("/r"));
    call(new Requests.Read("/r/f", 0, 10));
    call(new Requests.Readlink("/r/s"));
    for (String p : List.of("/r", "/r/f", "/r/s")) {
      assertEquals(100 * SECOND, lookup(p).atime(), p);
    }
  }

  /** Each change of names moves its directory's mtime and ctime, and answers the directory as it left it. */
  @Test
  void everyChangeOfNamesMovesItsDirectorysTimesAndAnswersThem() throws Exception {
    call(new Requests.Mkdir("/d", 0755, -1, -1, null, 0));
    call(new Requests.Mkdir("/e", 0755, -1, -1, null, 0));
    changes("/d", "create", () -> call(create("/d/f")).dir());
    changes("/d", "mkdir", () -> call(new Requests.Mkdir("/d/sub", 0755, -1, -1, null, 0)).dir());
    assertEquals(3, lookup("/d").nlink(), "a subdirectory counts in its parent's link count");
    changes("/d", "symlink", () -> call(new Requests.Symlink("/d/s", "f", -1, -1, null)).dir());
    changes("/d", "link", () -> call(new Requests.Link("/d/f", "/d/g")).dir());
    changes("/d", "unlink", () -> call(new Requests.Unlink("/d/g")).dir());
    changes("/d", "rmdir", () -> call(new Requests.Rmdir("/d/sub")).dir());
    assertEquals(2, lookup("/d").nlink());
    changes("/d", "rename within", () -> {
      Replies.DirsReply r = call(new Requests.Rename("/d/f", "/d/f2"));
      assertNull(r.toDir(), "one directory");
      return r.dir();
    });
    Attr eBefore = settledTimes("/e");
    changes("/d", "rename out of it", () -> call(new Requests.Rename("/d/f2", "/e/f")).dir());
    Attr eAfter = lookup("/e");
    assertTrue(eAfter.mtime() > eBefore.mtime() && eAfter.ctime() > eBefore.ctime(), "the target directory too");
    call(create("/d/f3"));
    changes("/d", "unlink many", () -> call(new Requests.UnlinkMany("/d", List.of("f3", "s"))).dir());
  }

  /** A directory's times before a change (a tick of the clock later, so that the change shows on any filesystem). */
  private Attr settledTimes(String dir) throws InterruptedException {
    Attr before = lookup(dir);
    Thread.sleep(20);
    return before;
  }

  private void changes(String dir, String what, Supplier<Attr> change) throws InterruptedException {
    Attr before = settledTimes(dir);
    Attr answered = change.get();
    Attr after = lookup(dir);
    assertTrue(after.mtime() > before.mtime(), what + " moves the directory's mtime");
    assertTrue(after.ctime() > before.ctime(), what + " moves the directory's ctime");
    assertNotNull(answered, what + " answers the directory");
    assertEquals(after, answered, what + " answers the directory as it left it");
  }
}
