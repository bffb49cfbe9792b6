package dev.mortar.healer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.BrickVerticle;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heal between two real bricks after brick 1 missed changes, done to the bricks the way the client does them (the
 * change on brick 0, brick 1 blamed for it there). After heal the two brick directories must be identical.
 */
@ExtendWith(VertxExtension.class)
class FileHealerTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private Volume volume;
  private WorkerExecutor workers;
  private final AtomicLong bytesCopied = new AtomicLong();

  @BeforeEach
  void bricks(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    for (int i = 0; i < 2; i++) {
      Path b = dir.resolve("b" + i);
      vertx.deployVerticle(new BrickVerticle("v", "vol", i, b, "n" + i + ":" + b, 24009, new SimpleMeterRegistry()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    volume = new Volume("v", "vol", VolumeStatus.Started, 2, 0, "tcp", List.of(
        new Brick("n0", dir.resolve("b0").toString(), "u0", false),
        new Brick("n1", dir.resolve("b1").toString(), "u1", false)), Map.of());
    workers = vertx.createSharedWorkerExecutor("test-heal", 8);
  }

  @AfterEach
  void close() {
    workers.close();
  }

  private <R> R call(int brick, BrickRequest<R> request) throws Exception {
    return new RemoteBrick(vertx, Addresses.brick("vol", brick), 5000).call(request)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Both bricks, as a client does while all is well. */
  private void both(BrickRequest<?> request) throws Exception {
    for (int b = 0; b < 2; b++) {
      call(b, request);
    }
  }

  /** Brick 0 only, brick 1 blamed for it on {@code blameOn} (the file, or the parent for a name change). */
  private void missed(BrickRequest<?> request, String blameOn) throws Exception {
    call(0, request);
    blame(0, blameOn, 1);
  }

  /** {@code on} holds one change more that {@code blamed} missed. */
  private void blame(int on, String path, int blamed) throws Exception {
    call(on, new Requests.MetaUpdate(path, 0, 0, 0, Map.of(blamed, 1L)));
  }

  private static String gfid() {
    return UUID.randomUUID().toString();
  }

  private static Requests.Create create(String path) {
    return create(path, 0644);
  }

  private static Requests.Create create(String path, int mode) {
    return new Requests.Create(path, mode, -1, -1, gfid(), false, 0, null, 0, Buffer.buffer());
  }

  private static Requests.Mkdir mkdir(String path) {
    return new Requests.Mkdir(path, 0755, -1, -1, gfid(), 0);
  }

  private static Requests.Write write(String path, long offset, String data) {
    return write(path, offset, Buffer.buffer(data));
  }

  private static Requests.Write write(String path, long offset, Buffer data) {
    return new Requests.Write(path, offset, 0, null, data);
  }

  private FileMeta meta(int brick, String path) throws Exception {
    return call(brick, new Requests.MetaGet(path)).meta();
  }

  private FileHealer healer() {
    return healer(null);
  }

  /** @param policy the volume's cluster.favorite-child-policy; null for none */
  private FileHealer healer(SplitBrainResolver.Policy policy) {
    return new FileHealer(new BrickCalls(vertx, volume, 5000), "test-healer", bytesCopied::addAndGet,
        java.util.Optional.ofNullable(policy));
  }

  /** What the healer does: everything both heal indexes name, in parallel waves. */
  private int healEverything() throws Exception {
    Set<String> paths = new LinkedHashSet<>();
    for (int b = 0; b < 2; b++) {
      call(b, Requests.IndexList.INSTANCE).entries().forEach(e -> paths.add(e.path()));
    }
    FileHealer healer = healer();
    return vertx.executeBlocking(() -> new ParallelHeal(workers, healer::heal).run(now(paths), (p, o) -> { }, 4))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Map<String, FileHealer.Why> now(java.util.Collection<String> paths) {
    Map<String, FileHealer.Why> out = new java.util.LinkedHashMap<>();
    paths.forEach(p -> out.put(p, FileHealer.Why.NOW));
    return out;
  }

  private void assertHealedAndIdentical() throws Exception {
    Path b0 = dir.resolve("b0");
    Path b1 = dir.resolve("b1");
    assertEquals(tree(b0), tree(b1), "both bricks hold the same names, types, modes and data");
    for (String p : tree(b0).keySet()) {
      assertEquals(meta(0, p).gfid(), meta(1, p).gfid(), p + " has the same file ID on both bricks");
    }
    for (int b = 0; b < 2; b++) {
      assertTrue(call(b, Requests.IndexList.INSTANCE).entries().isEmpty(),
          "the heal index of brick " + b + " is empty");
    }
  }

  /**
   * Path to "type mode content-digest" (a device number for a FIFO, socket or device node) of every entry under a
   * brick, without its private .mortar directory.
   */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(p -> !root.relativize(p).startsWith(".mortar") && !p.equals(root)).toList()) {
        String rel = "/" + root.relativize(p);
        Object mode = Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
            : Files.isDirectory(p) ? "dir " + mode
            : Files.isRegularFile(p) ? "file " + mode + " " + Arrays.hashCode(Files.readAllBytes(p))
            : "special " + mode + " " + Files.getAttribute(p, "unix:rdev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        out.put(rel, what);
      }
    }
    return out;
  }

  @Test
  void whatBrick1MissedIsCopiedAndTheBlameCleared() throws Exception {
    both(create("/dates.txt", 0640));
    both(write("/dates.txt", 0, "line 1\n"));
    both(create("/doomed"));
    // During the outage of brick 1: appends (more than one heal window), a new file, a deleted file.
    byte[] big = new byte[FileHealer.WINDOW * 2 + 100];
    Arrays.fill(big, (byte) 'x');
    // The session's dirty mark reached brick 1 before the cut, its clear did not.
    call(1, new Requests.MetaUpdate("/dates.txt", 1, 0, 0, Map.of()));
    missed(write("/dates.txt", 7, Buffer.buffer(big)), "/dates.txt");
    missed(create("/new.txt"), "/");
    missed(write("/new.txt", 0, "new\n"), "/new.txt");
    missed(new Requests.Unlink("/doomed"), "/");

    assertEquals(3, healEverything(), "/, /dates.txt and /new.txt healed");
    assertHealedAndIdentical();
    assertFalse(Files.exists(dir.resolve("b1/doomed")), "a file deleted during the outage does not come back");
    assertTrue(meta(1, "/dates.txt").clean(), "the healed copy's stale dirty mark is cleared");
  }

  /** Every extended attribute of {@code path} on {@code brick}, name to value. */
  private Map<String, Buffer> xattrs(int brick, String path) throws Exception {
    Map<String, Buffer> out = new TreeMap<>();
    for (String n : call(brick, new Requests.ListXattr(path)).names()) {
      out.put(n, call(brick, new Requests.GetXattr(path, n)).data());
    }
    return out;
  }

  @Test
  void anAclAndATrustedAttributeReachTheBrickThatMissedThem() throws Exception {
    both(mkdir("/shared"));
    both(create("/shared/f", 0640));
    both(new Requests.SetXattr("/shared/f", "user.stale", 0, Buffer.buffer("old")));
    // user::rw- user:1000:rwx group::r-- mask::rwx other::---
    Buffer acl = Buffer.buffer(new PosixAcl(List.of(new PosixAcl.Entry(PosixAcl.USER_OBJ, 6, -1),
        new PosixAcl.Entry(PosixAcl.USER, 7, 1000), new PosixAcl.Entry(PosixAcl.GROUP_OBJ, 4, -1),
        new PosixAcl.Entry(PosixAcl.MASK, 7, -1), new PosixAcl.Entry(PosixAcl.OTHER, 0, -1))).toBytes());
    // Outage of brick 1: setfacl, setfattr -n trusted.*, setfattr -x, setfacl -d, and a new file with an ACL.
    missed(new Requests.SetXattr("/shared/f", "system.posix_acl_access", 0, acl), "/shared/f");
    missed(new Requests.SetXattr("/shared/f", "trusted.origin", 0, Buffer.buffer("backup")), "/shared/f");
    missed(new Requests.RemoveXattr("/shared/f", "user.stale"), "/shared/f");
    missed(new Requests.SetXattr("/shared", "system.posix_acl_default", 0, acl), "/shared");
    missed(create("/shared/g", 0640), "/shared");
    missed(new Requests.SetXattr("/shared/g", "system.posix_acl_access", 0, acl), "/shared/g");

    healEverything();
    assertHealedAndIdentical();
    for (String p : List.of("/shared", "/shared/f", "/shared/g")) {
      assertEquals(xattrs(0, p), xattrs(1, p), p + ": the same attributes on both bricks");
    }
    assertEquals(Set.of("system.posix_acl_access", "trusted.origin"), xattrs(1, "/shared/f").keySet());
    assertEquals(0670, call(1, new Requests.Lookup("/shared/f")).attr().mode() & 07777, "mode as the ACL says");
  }

  @Test
  void renamesNewTreesAndRemovedTreesDuringTheOutageHeal() throws Exception {
    both(mkdir("/old"));
    both(mkdir("/old/sub"));
    both(create("/old/sub/f"));
    both(write("/old/sub/f", 0, "deep\n"));
    both(mkdir("/docs"));
    both(create("/docs/a.txt"));
    both(write("/docs/a.txt", 0, "a\n"));
    both(create("/over"));
    both(write("/over", 0, "replaced\n"));

    // Outage of brick 1: rm -r /old, mv /docs/a.txt /b.txt (over an existing name), a new tree with files.
    missed(new Requests.Unlink("/old/sub/f"), "/old/sub");
    missed(new Requests.Rmdir("/old/sub"), "/old");
    missed(new Requests.Rmdir("/old"), "/");
    missed(new Requests.Rename("/docs/a.txt", "/over"), "/docs");
    blame(0, "/", 1);
    missed(mkdir("/new"), "/");
    missed(mkdir("/new/deeper"), "/new");
    for (int i = 0; i < 20; i++) {
      String f = "/new/deeper/f" + i;
      missed(create(f), "/new/deeper");
      missed(write(f, 0, "file " + i + "\n"), f);
    }
    missed(new Requests.Symlink("/new/link", "deeper/f1", -1, -1, gfid()), "/new");

    healEverything();
    assertHealedAndIdentical();
    assertFalse(Files.exists(dir.resolve("b1/old")), "the removed tree is gone from brick 1");
    assertEquals("file 7\n", Files.readString(dir.resolve("b1/new/deeper/f7")));
    assertEquals("a\n", Files.readString(dir.resolve("b1/over")), "the rename over an existing file healed");
  }

  /** The times a program set: a directory's after the entries heal made in it, a symbolic link's own. */
  @Test
  void healCopiesTheTimesOfDirectoriesFilesAndSymbolicLinks() throws Exception {
    both(mkdir("/t"));
    String link = gfid();
    both(new Requests.Symlink("/t/old-link", "nowhere", -1, -1, link));
    // Outage of brick 1: a tree made and its times set, as rsync -a or tar x set them after the contents.
    missed(mkdir("/t/d"), "/t");
    missed(create("/t/d/f"), "/t/d");
    missed(write("/t/d/f", 0, "f\n"), "/t/d/f");
    missed(new Requests.Symlink("/t/d/link", "f", -1, -1, gfid()), "/t/d");
    long second = 1_000_000_000L;
    missed(new Requests.Utimens("/t/d/f", 1_000 * second, 1_001 * second), "/t/d/f");
    missed(new Requests.Utimens("/t/d/link", 1_002 * second + 5, 1_003 * second + 5), "/t/d/link");
    missed(new Requests.Utimens("/t/d", 1_004 * second, 1_005 * second), "/t/d");
    missed(new Requests.Utimens("/t/old-link", -second / 2, -second / 4), "/t/old-link");
    missed(new Requests.Utimens("/t", 1_006 * second, 1_007 * second), "/t");

    healEverything();
    assertHealedAndIdentical();
    for (String p : List.of("/t", "/t/d", "/t/d/f", "/t/d/link", "/t/old-link")) {
      var want = call(0, new Requests.Lookup(p)).attr();
      var got = call(1, new Requests.Lookup(p)).attr();
      assertEquals(want.mtime(), got.mtime(), p + ": mtime healed");
      assertEquals(want.atime(), got.atime(), p + ": atime healed");
    }
  }

  @Test
  void aFifoAndADeviceNodeMadeDuringTheOutageAreMadeOnBrick1WithTheirTypeNumberOwnerModeAndTimes() throws Exception {
    both(mkdir("/dev"));
    both(new Requests.Mknod("/dev/gone", Attr.S_IFIFO | 0644, 0, -1, -1, gfid(), 0));
    long nullDev = (1 << 8) | 3;
    long t = 1_600_000_000_123_456_789L;
    // Outage of brick 1: a FIFO and a device node made, their mode and times changed after, a FIFO removed.
    missed(new Requests.Mknod("/dev/fifo", Attr.S_IFIFO | 0640, 0, 1234, 5678, gfid(), 0), "/dev");
    missed(new Requests.Mknod("/dev/null", Attr.S_IFCHR | 0666, nullDev, 0, 0, gfid(), 0), "/dev");
    missed(new Requests.Utimens("/dev/fifo", t, t + 1), "/dev/fifo");
    missed(new Requests.Chmod("/dev/null", 0620), "/dev/null");
    missed(new Requests.Unlink("/dev/gone"), "/dev");

    healEverything();
    assertHealedAndIdentical();
    Attr fifo = call(1, new Requests.Lookup("/dev/fifo")).attr();
    assertEquals(Attr.S_IFIFO | 0640, fifo.mode());
    assertEquals(1234, fifo.uid());
    assertEquals(5678, fifo.gid());
    assertEquals(t, fifo.atime());
    assertEquals(t + 1, fifo.mtime(), "the times as on brick 0");
    Attr dev = call(1, new Requests.Lookup("/dev/null")).attr();
    assertEquals(Attr.S_IFCHR | 0620, dev.mode());
    assertEquals(nullDev, dev.rdev(), "a device node with its number, not a copy of its data");
    assertEquals(call(0, new Requests.Lookup("/dev/null")).attr().mtime(), dev.mtime());
    assertEquals(0, bytesCopied.get(), "no data is copied");
    assertFalse(Files.exists(dir.resolve("b1/dev/gone"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
        "a FIFO removed during the outage does not come back");
  }

  @Test
  void onlyTheWindowsThatDifferAreCopied() throws Exception {
    byte[] data = new byte[FileHealer.WINDOW * 8];
    new java.util.Random(7).nextBytes(data);
    both(create("/big"));
    both(write("/big", 0, Buffer.buffer(data)));
    missed(write("/big", FileHealer.WINDOW * 5L + 10, "changed in the middle"), "/big");
    missed(write("/big", data.length, "appended\n"), "/big");

    healEverything();
    assertHealedAndIdentical();
    assertEquals(FileHealer.WINDOW + "appended\n".length(), bytesCopied.get(),
        "one changed window of eight and the appended tail are copied, nothing else");
  }

  @Test
  void aWriterThatDiedMidWriteLeavesTheLongestCopy() throws Exception {
    both(create("/torn"));
    // A session began on both bricks (dirty), its last write reached brick 1 only, then the writer died.
    both(new Requests.Write("/torn", 0, 1, null, Buffer.buffer("first\n")));
    call(1, write("/torn", 6, "second\n"));

    assertEquals(1, healEverything());
    assertHealedAndIdentical();
    assertEquals("first\nsecond\n", Files.readString(dir.resolve("b0/torn")));
    assertTrue(meta(0, "/torn").clean() && meta(1, "/torn").clean(), "no dirty mark stays");
  }

  @Test
  void healWaitsForTheWriterThatHoldsTheLockAndCopiesItsLastWrite() throws Exception {
    both(create("/log"));
    missed(write("/log", 0, "one\n"), "/log");
    // A writer holds the file's lock (on brick 0, where every client takes it) and goes on writing.
    call(0, new Requests.Lock("/log", "writer", 10_000, 30_000));
    FileHealer healer = healer();
    long t0 = System.nanoTime();
    CompletableFuture<FileHealer.Result> heal = vertx.executeBlocking(() -> healer.heal("/log",
        FileHealer.Why.SOURCE))
        .toCompletionStage().toCompletableFuture();
    Thread.sleep(500);
    assertFalse(heal.isDone(), "heal waits while a writer holds the lock");
    missed(write("/log", 4, "two\n"), "/log");
    call(0, new Requests.Unlock("/log", "writer"));
    assertEquals(FileHealer.Outcome.HEALED, heal.get(30, TimeUnit.SECONDS).outcome());
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(500));
    assertHealedAndIdentical();
    assertEquals("one\ntwo\n", Files.readString(dir.resolve("b1/log")), "the write made while heal waited is there");
  }

  @Test
  void healThatFindsTheLockBusyAsABrickDiesDoesNotWaitForThatBrickWithTheOthersHeld() throws Exception {
    both(create("/log"));
    missed(write("/log", 0, "one\n"), "/log");
    // Brick 2 is a node that just died: its requests are taken and never answered.
    java.util.concurrent.atomic.AtomicInteger locksToDeadBrick = new java.util.concurrent.atomic.AtomicInteger();
    vertx.eventBus().<BrickFrame>consumer(Addresses.brick("vol", 2), m -> {
      if (BrickCodec.op(BrickCodec.decodeRequest(m.body())) == BrickOp.LOCK) {
        locksToDeadBrick.incrementAndGet();
      }
    });
    List<Brick> three = new ArrayList<>(volume.bricks());
    three.add(new Brick("n2", dir.resolve("b2").toString(), "u2", false));
    Volume replica3 = new Volume("v", "vol", VolumeStatus.Started, 3, 0, "tcp", three, Map.of());
    // A writer holds the lock on brick 1 for a moment (its lease ends after 800 ms).
    call(1, new Requests.Lock("/log", "writer", 800, 30_000));
    FileHealer healer = new FileHealer(new BrickCalls(vertx, replica3, 500), "test-healer", bytesCopied::addAndGet,
        java.util.Optional.empty());
    FileHealer.Result r = vertx.executeBlocking(() -> healer.heal("/log", FileHealer.Why.SOURCE))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(FileHealer.Outcome.HEALED, r.outcome());
    assertEquals(1, locksToDeadBrick.get(), "the dead brick is asked for the lock once, not again while bricks 0 "
        + "and 1 are held (their writers would wait for it)");
    assertEquals("one\n", Files.readString(dir.resolve("b1/log")));
  }

  @Test
  void fullHealRefillsAWipedBrick() throws Exception {
    both(mkdir("/etc"));
    for (int i = 0; i < 10; i++) {
      String f = "/etc/conf" + i;
      both(create(f));
      both(write(f, 0, "setting=" + i + "\n"));
    }
    both(create("/same-size"));
    both(write("/same-size", 0, "aaaa"));
    // Brick 1's disk is replaced: its files are gone, one file silently differs; no blame records any of it.
    List<Path> wiped = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("b1/etc"))) {
      s.forEach(wiped::add);
    }
    for (Path p : wiped) {
      Files.delete(p);
    }
    Files.delete(dir.resolve("b1/etc"));
    call(1, write("/same-size", 0, "bbbb"));
    call(0, new Requests.MetaUpdate("/same-size", 0, 1, 0, Map.of()));

    FileHealer healer = healer();
    BrickCalls bricks = new BrickCalls(vertx, volume, 5000);
    int found = vertx.executeBlocking(() -> new FullCrawl(bricks,
        paths -> new ParallelHeal(workers, healer::heal).run(now(paths), (p, o) -> { }, 4)).run())
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(2, found, "the missing directory and the differing file");
    assertHealedAndIdentical();
    assertEquals("setting=3\n", Files.readString(dir.resolve("b1/etc/conf3")));
    assertEquals("aaaa", Files.readString(dir.resolve("b1/same-size")), "the copy with more writes wins");
  }

  /** Both bricks took appends the other missed (a cut with a writer on each side): each blames the other. */
  private void splitAppends() throws Exception {
    both(create("/dates.txt"));
    both(write("/dates.txt", 0, "before the cut\n"));
    call(0, write("/dates.txt", 15, "node1 during the cut\n"));
    blame(0, "/dates.txt", 1);
    Thread.sleep(20); // brick 1's version is the later one
    call(1, write("/dates.txt", 15, "node2 during the cut, longer\n"));
    blame(1, "/dates.txt", 0);
  }

  private List<Path> conflictCopies(int brick) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("b" + brick))) {
      return s.filter(p -> p.getFileName().toString().startsWith("dates.txt.conflict-")).toList();
    }
  }

  @Test
  void aSplitBrainIsResolvedByPolicyAndTheLosingVersionIsKept() throws Exception {
    splitAppends();
    FileHealer healer = healer(SplitBrainResolver.Policy.MTIME);
    assertEquals(FileHealer.Outcome.RESOLVED, vertx.executeBlocking(() -> healer.heal("/dates.txt",
        FileHealer.Why.SOURCE)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).outcome());
    assertHealedAndIdentical();
    assertEquals("before the cut\nnode2 during the cut, longer\n", Files.readString(dir.resolve("b0/dates.txt")),
        "the later version wins");
    List<Path> kept = conflictCopies(0);
    assertEquals(1, kept.size(), "the losing version is kept beside it: " + kept);
    assertEquals("before the cut\nnode1 during the cut\n", Files.readString(kept.get(0)));
    assertTrue(kept.get(0).getFileName().toString().startsWith("dates.txt.conflict-n0-"), kept.toString());
  }

  @Test
  void withPolicyNoneASplitBrainWaitsForAPersonAndEachCommandTruncatesNothing() throws Exception {
    splitAppends();
    FileHealer healer = healer();
    assertEquals(FileHealer.Outcome.SPLIT_BRAIN, vertx.executeBlocking(() -> healer.heal("/dates.txt",
        FileHealer.Why.SOURCE)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).outcome());
    // bigger-file picks node2's longer version; the shorter one is kept as a conflict copy
    vertx.executeBlocking(() -> healer.resolve("/dates.txt", SplitBrainResolver.Policy.SIZE, null, true))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertHealedAndIdentical();
    assertEquals("before the cut\nnode2 during the cut, longer\n", Files.readString(dir.resolve("b0/dates.txt")));
    assertEquals("before the cut\nnode1 during the cut\n", Files.readString(conflictCopies(1).get(0)));
    Exception notSplit = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> vertx.executeBlocking(
        () -> healer.resolve("/dates.txt", SplitBrainResolver.Policy.MTIME, null, true)).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertTrue(notSplit.getCause().getMessage().contains("File not in split-brain."), notSplit.toString());
  }

  @Test
  void biggerFileCannotChooseBetweenCopiesOfTheSameSize() throws Exception {
    both(create("/same"));
    call(0, write("/same", 0, "aaaa"));
    blame(0, "/same", 1);
    call(1, write("/same", 0, "bbbb"));
    blame(1, "/same", 0);
    FileHealer healer = healer();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> vertx.executeBlocking(
        () -> healer.resolve("/same", SplitBrainResolver.Policy.SIZE, null, true)).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("No bigger file."), e.toString());
    assertEquals("aaaa", Files.readString(dir.resolve("b0/same")), "nothing changed");
    vertx.executeBlocking(() -> healer.resolve("/same", SplitBrainResolver.Policy.SOURCE_BRICK, 1, true))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals("bbbb", Files.readString(dir.resolve("b0/same")), "source-brick 1 chosen");
  }

  @Test
  void aDirectoryInSplitBrainKeepsTheNamesOfBothSides() throws Exception {
    missed(create("/from-node1"), "/");
    call(0, write("/from-node1", 0, "one\n"));
    call(1, create("/from-node2"));
    call(1, write("/from-node2", 0, "two\n"));
    blame(1, "/", 0);
    // the same name made on both sides for different files
    call(0, create("/both"));
    call(0, write("/both", 0, "node1's\n"));
    call(1, create("/both"));
    call(1, write("/both", 0, "node2's\n"));

    FileHealer healer = healer(SplitBrainResolver.Policy.MTIME);
    Set<String> paths = new LinkedHashSet<>(List.of("/"));
    vertx.executeBlocking(() -> new ParallelHeal(workers, healer::heal).run(now(paths), (p, o) -> { }, 4))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    healEverything();
    assertHealedAndIdentical();
    assertEquals("one\n", Files.readString(dir.resolve("b1/from-node1")));
    assertEquals("two\n", Files.readString(dir.resolve("b0/from-node2")));
    List<String> both;
    try (Stream<Path> s = Files.list(dir.resolve("b0"))) {
      both = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("both")).sorted().toList();
    }
    assertEquals(2, both.size(), "both files named 'both' are kept: " + both);
  }
}
