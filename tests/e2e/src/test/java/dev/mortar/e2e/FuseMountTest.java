package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real FUSE mounts of a replica-2 and a replica-3 volume, nodes and mounts as separate processes: every POSIX
 * operation a program uses, the errno of each failure, and after each step every brick directory identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuseMountTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  /** Per volume: a mount through node1 and one through another node (two clients). */
  private final Map<String, FuseMount[]> mounts = new TreeMap<>();
  private final Map<String, List<BrickCopy>> bricks = new TreeMap<>();

  // ---- what a subclass changes to run the same tests on other bricks (S3FuseMountTest) ----

  /** Environment of every node. */
  Map<String, String> nodeEnvironment() {
    return Map.of();
  }

  /** The brick of volume {@code vol} on node {@code i}, as given to {@code volume create}. */
  String brickSpec(int i, String vol) {
    return nodes.brick(i, vol);
  }

  String host(int i) {
    return nodes.host(i);
  }

  /** Bricks are directories on this host (the mount may read their files itself), not objects in a store. */
  boolean bricksOnLocalDisk() {
    return true;
  }

  /**
   * What reading every brick's copy of a small file behind the volume's back may add to a timed wait: nothing for
   * directories; a bucket is read over HTTP (see S3FuseMountTest).
   */
  Duration brickReadAllowance() {
    return Duration.ZERO;
  }

  /** A way to read a brick behind the volume's back. */
  BrickCopy copyOf(String spec) {
    return new LocalBrickCopy(spec);
  }

  @BeforeAll
  void start() {
    FuseMount.requireFuse();
    nodes = LocalNodes.start(getClass().getSimpleName(), 3, LOGS, nodeEnvironment());
    for (int i = 2; i <= 3; i++) {
      assertEquals(0, nodes.cli(1).run("peer", "probe", nodes.host(i)).exit());
    }
    create("r2", 1, 2);
    create("r3", 1, 2, 3);
    Path mnt = nodes.work.resolve("mnt");
    Path logs = E2e.logDir(getClass().getSimpleName());
    mounts.put("r2", new FuseMount[] {
        FuseMount.mount(nodes.host(1) + ":/r2", mnt.resolve("r2-a"), logs.resolve("mount-r2-a.log")),
        FuseMount.mount(nodes.host(2) + ":/r2", mnt.resolve("r2-b"), logs.resolve("mount-r2-b.log"))});
    mounts.put("r3", new FuseMount[] {
        FuseMount.mount(nodes.host(1) + ":/r3", mnt.resolve("r3-a"), logs.resolve("mount-r3-a.log")),
        FuseMount.mount(nodes.host(3) + ":/r3", mnt.resolve("r3-b"), logs.resolve("mount-r3-b.log"))});
  }

  private void create(String name, int... on) {
    List<String> words = new ArrayList<>(List.of("volume", "create", name, "replica", String.valueOf(on.length)));
    List<BrickCopy> dirs = new ArrayList<>();
    for (int i : on) {
      String b = brickSpec(i, name);
      words.add(b);
      dirs.add(copyOf(b));
    }
    Cmd.Result r = nodes.cli(1).run(words.toArray(String[]::new));
    assertEquals(0, r.exit(), r::describe);
    assertEquals(0, nodes.cli(1).run("volume", "start", name).exit());
    bricks.put(name, dirs);
  }

  @AfterAll
  void stop() {
    mounts.values().forEach(ms -> {
      for (FuseMount m : ms) {
        m.close();
      }
    });
    if (nodes != null) {
      nodes.close();
    }
  }

  // ---- brick comparison ----

  private void assertBricksIdentical(String vol, String after) throws IOException {
    List<BrickCopy> copies = bricks.get(vol);
    Map<String, String> first = copies.get(0).snapshot();
    for (BrickCopy other : copies.subList(1, copies.size())) {
      assertEquals(first, other.snapshot(), vol + ": bricks differ after " + after);
    }
  }

  /** Every brick of {@code vol} holds {@code path} with exactly these lines. */
  private void assertOnEveryBrick(String vol, String path, List<String> lines) throws IOException {
    for (BrickCopy brick : bricks.get(vol)) {
      assertEquals(lines, brick.lines(path), path + " in brick " + brick);
    }
  }

  /** Work for one mount: its directory, and {@code node1} for the first mount, {@code node2} for the second. */
  @FunctionalInterface
  private interface MountWork {
    void run(Path dir, String who) throws Exception;
  }

  /** Runs {@code work} on both mounts of {@code vol} at once, a thread each; fails if either threw. */
  private void onBothMountsAtOnce(String vol, MountWork work) throws InterruptedException {
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    FuseMount[] ms = mounts.get(vol);
    for (int k = 0; k < ms.length; k++) {
      Path dir = ms[k].dir;
      String who = k == 0 ? "node1" : "node2";
      threads.add(new Thread(() -> {
        try {
          work.run(dir, who);
        } catch (Exception e) {
          failures.add(e);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
  }

  private Path a(String vol) {
    return mounts.get(vol)[0].dir;
  }

  private Path b(String vol) {
    return mounts.get(vol)[1].dir;
  }

  private static void errno(String reason, Class<? extends IOException> type, IoAction action) {
    IOException e = assertThrows(IOException.class, action::run);
    assertTrue(type.isInstance(e), "expected " + type.getSimpleName() + " but got " + e);
    if (reason != null) {
      assertTrue(String.valueOf(((FileSystemException) e).getReason()).contains(reason), e.toString());
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  // ---- tests ----

  @ParameterizedTest
  @ValueSource(strings = {"r2", "r3"})
  @Order(1)
  void posixOperationsBehaveAndEveryBrickStaysIdentical(String vol) throws Exception {
    Path root = Files.createDirectory(a(vol).resolve("posix"));
    Path f = root.resolve("file.txt");
    Files.writeString(f, "hello\n");
    Files.writeString(f, "world\n", StandardOpenOption.APPEND);
    assertEquals("hello\nworld\n", Files.readString(f));
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) { // overwrite in the middle
      ch.write(ByteBuffer.wrap("J".getBytes()), 6);
    }
    assertEquals("hello\nJorld\n", Files.readString(f));
    assertBricksIdentical(vol, "create, write, append, overwrite");

    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(5);
    }
    assertEquals("hello", Files.readString(f));
    Path sparse = root.resolve("sparse");
    long far = 5L << 30;
    try (FileChannel ch = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("end".getBytes()), far);
    }
    assertEquals(far + 3, Files.size(sparse));
    try (FileChannel ch = FileChannel.open(sparse)) {
      ByteBuffer buf = ByteBuffer.allocate(3);
      ch.read(buf, far);
      assertEquals("end", new String(buf.array()));
    }
    assertBricksIdentical(vol, "truncate, sparse write past 4 GiB");
    Files.delete(sparse);

    Path d1 = Files.createDirectory(root.resolve("d1"));
    Path d2 = Files.createDirectory(root.resolve("d2"));
    Files.writeString(d1.resolve("a"), "A");
    Files.writeString(d2.resolve("b"), "B");
    Files.move(d1.resolve("a"), d2.resolve("b"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals("A", Files.readString(d2.resolve("b")), "rename over an existing file, across directories");
    assertFalse(Files.exists(d1.resolve("a")));
    Files.move(d2.resolve("b"), d1.resolve("moved"));
    assertEquals("A", Files.readString(d1.resolve("moved")));
    assertBricksIdentical(vol, "renames");

    Path open = root.resolve("open-then-unlinked");
    Files.writeString(open, "still readable");
    try (FileChannel ch = FileChannel.open(open)) {
      Files.delete(open);
      assertFalse(Files.exists(open));
      ByteBuffer buf = ByteBuffer.allocate(64);
      int n = ch.read(buf, 0);
      assertEquals("still readable", new String(buf.array(), 0, n), "unlink while open: the data stays readable");
    }
    Path empty = Files.createDirectory(root.resolve("empty"));
    Files.delete(empty);
    assertFalse(Files.exists(empty));
    Path link = Files.createSymbolicLink(root.resolve("link"), Path.of("d1/moved"));
    assertEquals(Path.of("d1/moved"), Files.readSymbolicLink(link));
    assertEquals("A", Files.readString(link), "reading through a symlink");
    Path hard = Files.createLink(root.resolve("hard"), d1.resolve("moved"));
    assertEquals(2, Files.getAttribute(hard, "unix:nlink"));
    Object ino = Files.getAttribute(hard, "unix:ino");
    assertEquals(ino, Files.getAttribute(d1.resolve("moved"), "unix:ino"), "hard links are one file (rsync -H, tar)");
    assertEquals(ino, Files.getAttribute(b(vol).resolve(a(vol).relativize(hard)), "unix:ino"),
        "a file has the same number on every mount");
    assertEquals(1L, Files.getAttribute(a(vol), "unix:ino"), "the root is inode 1");
    assertBricksIdentical(vol, "unlink while open, rmdir, symlink, hard link");

    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Instant when = Instant.parse("2020-02-03T04:05:06.123456789Z");
    Files.setLastModifiedTime(f, FileTime.from(when));
    UserDefinedFileAttributeView x = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    x.write("colour", ByteBuffer.wrap("blue".getBytes()));
    assertEquals(List.of("colour"), x.list());
    // security.* attributes exist as on ext4: one that was never set is "no such attribute".
    assertTrue(Files.exists(Path.of("/usr/bin/getfattr")), "getfattr is missing: apt-get install -y attr");
    Cmd.Result label = Cmd.run(Duration.ofSeconds(30), "getfattr", "-n", "security.selinux", f.toString());
    assertTrue(label.exit() != 0 && label.err().contains("No such attribute"), label::toString);
    assertBricksIdentical(vol, "chmod, utimens, setxattr");
    // the other client sees the same file, within the one-second cache
    Path fb = b(vol).resolve("posix/file.txt");
    Eventually.await("the other mount sees the new mtime", Duration.ofSeconds(3),
        () -> Files.getLastModifiedTime(fb).toInstant(), when::equals);
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fb)));
    assertEquals(5, Files.size(fb));
    ByteBuffer v = ByteBuffer.allocate(16);
    int n = Files.getFileAttributeView(fb, UserDefinedFileAttributeView.class).read("colour", v);
    assertEquals("blue", new String(v.array(), 0, n));
    x.delete("colour");
    assertTrue(x.list().isEmpty());

    errno(null, NoSuchFileException.class, () -> Files.readString(root.resolve("missing")));
    // A new file is made on the bricks at close, but a name they refuse fails at open, as on a local disk: a
    // shell's `echo > name` never checks close(2).
    errno("File name too long", FileSystemException.class,
        () -> Files.writeString(root.resolve("n".repeat(256)), "x"));
    Cmd.Result longName = Cmd.run(Duration.ofSeconds(30), "bash", "-c",
        "echo x > \"$1\"/$(printf 'n%.0s' {1..256})", "_", root.toString());
    assertEquals(1, longName.exit(), longName::describe);
    assertTrue(longName.err().contains("File name too long"), longName::describe);
    errno(null, FileAlreadyExistsException.class, () -> Files.createDirectory(d1));
    errno(null, FileAlreadyExistsException.class, () -> Files.createFile(f));
    errno(null, DirectoryNotEmptyException.class, () -> Files.delete(d1));
    errno("Is a directory", FileSystemException.class, () -> Files.writeString(d1, "x"));
    errno("Not a directory", FileSystemException.class, () -> Files.createFile(f.resolve("under-a-file")));
    assertBricksIdentical(vol, "failed operations");
  }

  @Test
  @Order(2)
  void theSeedsFirstStepsTouchOnNode1IsSeenOnNode2() throws Exception {
    Files.createFile(a("r2").resolve("test"));
    Eventually.await("node2's mount lists the file", Duration.ofSeconds(3),
        () -> Files.exists(b("r2").resolve("test")), ok -> ok);
    for (BrickCopy brick : bricks.get("r2")) {
      assertTrue(brick.isRegularFile("test"), "in brick " + brick);
    }
  }

  /** Requests of type {@code op} that the bricks of volume {@code vol} (on nodes 1 to 3) answered. */
  private double brickRequests(String vol, String op) {
    double sum = 0;
    for (int i = 1; i <= 3; i++) {
      sum += nodes.metric(i, "mortar_brick_op_seconds_count", "volume=\"" + vol + "\"", "op=\"" + op + "\"");
    }
    return sum;
  }

  @Test
  @Order(2)
  void aFileRenamedOrUnlinkedWhileOpenShowsItsLaterWritesAtOnce() throws Exception {
    Path dir = Files.createDirectory(a("r2").resolve("moved-open"));
    // Each: write, then rename (or unlink, which the kernel turns into a rename to a hidden name) while open, then
    // write more and read back at once through the same descriptor, and stat it. The later writes went by the old
    // name's handle and were neither read nor counted in the size until write-behind had sent them.
    try (FileChannel ch = FileChannel.open(dir.resolve("a"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)));
      Files.move(dir.resolve("a"), dir.resolve("b"));
      ch.write(ByteBuffer.wrap("def".getBytes(StandardCharsets.UTF_8)));
      assertEquals(6, ch.size(), "the size after a write under the new name");
      ByteBuffer back = ByteBuffer.allocate(16);
      ch.read(back, 0);
      assertEquals("abcdef", new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
    }
    assertEquals("abcdef", Files.readString(dir.resolve("b")));
    try (FileChannel ch = FileChannel.open(dir.resolve("gone"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      Files.delete(dir.resolve("gone"));
      ch.write(ByteBuffer.wrap("written after unlink".getBytes(StandardCharsets.UTF_8)));
      ByteBuffer back = ByteBuffer.allocate(64);
      ch.read(back, 0);
      assertEquals("written after unlink", new String(back.array(), 0, back.position(), StandardCharsets.UTF_8));
    }
    try (var left = Files.list(dir)) {
      assertEquals(List.of("b"), left.map(p -> p.getFileName().toString()).toList(), "no hidden file left behind");
    }
    assertBricksIdentical("r2", "files renamed and unlinked while open");
  }

  @Test
  @Order(2)
  void randomWritesTruncatesAndReadsThroughOneDescriptorAlwaysSeeWhatWasWritten() throws Exception {
    // Against a model in memory, every read and size checked at once: a truncate used to overtake the writes
    // acknowledged before it (they landed after it and grew the file back), and a read beside a write still on its
    // way found the file short of it (a short read, which the kernel takes for the end of the file).
    java.util.Random random = new java.util.Random(7);
    byte[] model = new byte[0];
    int[] sizes = {1, 100, 4096, 65536, 131072, 300000, 1 << 20};
    Path f = a("r2").resolve("random-io");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      FileChannel ch = raf.getChannel();
      for (int i = 0; i < 1500; i++) {
        double op = random.nextDouble();
        if (op < 0.6) {
          int off = random.nextInt(8 << 20);
          byte[] data = new byte[sizes[random.nextInt(sizes.length)]];
          random.nextBytes(data);
          ch.write(ByteBuffer.wrap(data), off);
          model = java.util.Arrays.copyOf(model, Math.max(model.length, off + data.length));
          System.arraycopy(data, 0, model, off, data.length);
        } else if (op < 0.9) {
          int off = random.nextInt(Math.max(1, model.length));
          int len = Math.min(sizes[random.nextInt(4)], model.length - off);
          ByteBuffer got = ByteBuffer.allocate(Math.max(len, 0));
          int n = ch.read(got, off);
          assertEquals(len, Math.max(n, 0), "bytes read at " + off + " after " + i + " operations (not at the end)");
          assertArrayEquals(java.util.Arrays.copyOfRange(model, off, off + Math.max(len, 0)), got.array(),
              "read of " + len + " bytes at " + off + " after " + i + " operations");
        } else if (op < 0.95) {
          int n = random.nextInt(8 << 20);
          raf.setLength(n); // ftruncate(2) at once (FileChannel.truncate asks the size first, which waits for writes)
          model = java.util.Arrays.copyOf(model, n);
        } else {
          assertEquals(model.length, ch.size(), "size after " + i + " operations");
        }
      }
    }
    assertArrayEquals(model, Files.readAllBytes(f));
    assertBricksIdentical("r2", "random writes, truncates and reads");
  }

  @Test
  @Order(2)
  void aNewFileClosedEmptyOpensAtOnceAgain() throws Exception {
    // Made on the bricks at release, which close(2) does not wait for: the next open used to find it missing there.
    Path dir = Files.createDirectory(a("r2").resolve("reopened"));
    for (int i = 0; i < 100; i++) {
      Path f = dir.resolve("f" + i);
      FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close(); // not O_EXCL: made later
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(("line " + i + "\n").getBytes(StandardCharsets.UTF_8)));
      }
    }
    assertOnEveryBrick("r2", "reopened/f99", List.of("line 99"));
    assertBricksIdentical("r2", "new files closed empty and opened again");
  }

  @Test
  @Order(2)
  void theRootStaysReachableWhileItIsListedOverAndOver() throws Exception {
    // `watch ls -l`: the root's attributes expire (a second) while a listing of it is fresh. The root used to be
    // looked up in its own listing, found absent, and from then on every stat of it failed with ENOENT.
    Path root = a("r2");
    long end = System.nanoTime() + Duration.ofMillis(3500).toNanos();
    int rounds = 0;
    while (System.nanoTime() < end) {
      try (var listing = Files.list(root)) {
        listing.count();
      }
      assertTrue(Files.isDirectory(root), "the root is a directory in round " + rounds);
      Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class);
      rounds++;
      Thread.sleep(100);
    }
    assertTrue(rounds > 20, "listed " + rounds + " times");
  }

  @Test
  @Order(2)
  void aSmallNewFileIsMadeWithItsDataInOneRequestPerBrickAndIsOnTheOtherNodeWhenClosed() throws Exception {
    Files.createDirectory(a("r2").resolve("small"));
    double creates = brickRequests("r2", "create");
    double writes = brickRequests("r2", "write");
    for (int i = 0; i < 20; i++) {
      String text = "small file " + i + "\n";
      Files.writeString(a("r2").resolve("small/f" + i), text);
      assertEquals(text, Files.readString(b("r2").resolve("small/f" + i)), "on node2's mount once closed on node1's");
    }
    assertEquals(40, brickRequests("r2", "create") - creates, "one CREATE per file and brick");
    assertEquals(0, brickRequests("r2", "write") - writes, "the data went with the CREATE: no WRITE");
    // A shell's redirect opens the file, duplicates the descriptor and closes the first one before it writes.
    Cmd.Result shell = Cmd.run(Duration.ofSeconds(30), "bash", "-c",
        "for i in 0 1 2 3 4 5 6 7 8 9; do printf 'shell file %s\\n' $i > \"$1\"/s$i; done; : > \"$1\"/empty", "_",
        a("r2").resolve("small").toString());
    assertTrue(shell.ok(), shell::describe);
    for (int i = 0; i < 10; i++) {
      assertEquals("shell file " + i + "\n", Files.readString(b("r2").resolve("small/s" + i)));
    }
    assertEquals(0, Files.size(b("r2").resolve("small/empty")), "a new file closed empty is made too");
    assertEquals(62, brickRequests("r2", "create") - creates, "one CREATE per file and brick from a shell too");
    assertEquals(0, brickRequests("r2", "write") - writes, "no WRITE for a shell's `> file` either");
    assertBricksIdentical("r2", "small new files");
  }

  @Test
  @Order(2)
  void aDirectoryMovedAwayOrRemovedAndMadeAgainAtOnceShowsNoneOfItsOldNames() throws Exception {
    // A directory moved away and made again under its name: the attributes this mount cached for the old one's
    // files must not answer for the new one (they did, for a cache time: `ls -l d/f0` showed a file not there).
    // rm -rf of thousands of files outlasts the cache time: the mount lists the directory again midway, while some
    // unlinks it acknowledged are still on their way to the bricks. Those names must not come back as cached
    // attributes, here or in the directory made again under the same path (a create would find a file that is gone).
    Cmd.Result shell = Cmd.run(Duration.ofSeconds(600), "bash", "-c", """
        set -e
        cd "$1"
        mkdir d
        for ((i = 0; i < 10; i++)); do printf 'moved %s' $i > d/f$i; done
        ls -l d > /dev/null
        mv d moved
        mkdir d
        for ((i = 0; i < 10; i++)); do
          if [ -e d/f$i ]; then echo "d/f$i shows in the directory made again after mv: $(ls -l d/f$i)"; exit 1; fi
        done
        [ -z "$(ls d)" ] || { echo "the directory made again lists $(ls d)"; exit 1; }
        [ "$(cat moved/f3)" = "moved 3" ]
        rm -rf moved
        rmdir d
        mkdir d
        for ((i = 0; i < 3000; i++)); do printf 'old %s' $i > d/f$i; done
        ls -l d > /dev/null
        sync; echo 2 > /proc/sys/vm/drop_caches  # the kernel forgets the names: each unlink looks its name up
        # Unlinks one by one, slower than rm: the listing expires midway (twice) while unlinks are on their way.
        perl -e 'for (glob "d/*") { unlink $_ or die "$_: $!"; select(undef, undef, undef, 0.0005) }
                 for (glob "d/*") { die "$_ is still listed after its unlink\\n" }
                 for (0 .. 2999) { die "d/f$_ still shows after its unlink\\n" if -e "d/f$_" }'
        rmdir d
        mkdir d
        for ((i = 0; i < 3000; i++)); do printf 'new %s' $i > d/f$i; done
        rm -rf d
        """, "_", a("r2").toString());
    assertTrue(shell.ok(), shell::describe);
    assertFalse(Files.exists(b("r2").resolve("d")));
    assertBricksIdentical("r2", "directories removed and made again");
  }

  @Test
  @Order(2)
  void aNewFileKeptOpenShowsOnTheOtherNodeWithinASecondAndTakesLaterWrites() throws Exception {
    Path f = a("r2").resolve("new-kept-open.txt");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("first\n".getBytes(StandardCharsets.UTF_8)));
      long t0 = System.nanoTime();
      Eventually.await("every brick has the new file, with what was written, while node1 keeps it open", t0,
          Duration.ofSeconds(1).plus(brickReadAllowance()), () -> bricks.get("r2").stream().allMatch(c -> {
            try {
              return c.lines("new-kept-open.txt").equals(List.of("first"));
            } catch (IOException absent) {
              return false;
            }
          }), ok -> ok);
      Thread.sleep(200);
      ch.write(ByteBuffer.wrap("second\n".getBytes(StandardCharsets.UTF_8)));
    }
    assertOnEveryBrick("r2", "new-kept-open.txt", List.of("first", "second"));
    assertBricksIdentical("r2", "a new file kept open");
  }

  @Test
  @Order(2)
  void aNewFileWhoseDirectoryAnotherNodeRemovedBeforeCloseFailsAtCloseAndLosesNothingSilently() throws Exception {
    Path dir = a("r2").resolve("removed-under");
    Files.createDirectory(dir);
    FileChannel ch = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.write(ByteBuffer.wrap("written before close\n".getBytes(StandardCharsets.UTF_8)));
    boolean removed;
    try {
      Files.delete(b("r2").resolve("removed-under")); // empty on the bricks unless node1's create went out already
      removed = true;
    } catch (DirectoryNotEmptyException made) {
      removed = false;
    }
    E2e.note(removed ? "the directory went before node1's create: close(2) must fail"
        : "node1's create went out before the rmdir: the file must be whole");
    if (removed) {
      IOException e = assertThrows(IOException.class, ch::close, "close(2) says the file could not be made");
      assertTrue(String.valueOf(e.getMessage()).contains("No such file"), e.toString());
      for (BrickCopy brick : bricks.get("r2")) {
        assertFalse(brick.isRegularFile("removed-under/f"), "nothing half made in " + brick);
      }
    } else { // the create was sent first (100 ms at most after it): then the file is whole everywhere
      ch.close();
      assertOnEveryBrick("r2", "removed-under/f", List.of("written before close"));
    }
    assertBricksIdentical("r2", "a create whose directory went away");
  }

  @Test
  @Order(2)
  void aFileMadeOnNode2JustAfterNode1FoundItAbsentIsReplacedByNode1sWrite() throws Exception {
    Path onA = a("r2").resolve("raced.txt");
    assertFalse(Files.exists(onA), "node1 learns it is absent (and may keep that for the cache time)");
    Files.writeString(b("r2").resolve("raced.txt"), "node2's longer text\n");
    Files.writeString(onA, "node1\n"); // O_CREAT|O_TRUNC: whatever was there is replaced
    assertOnEveryBrick("r2", "raced.txt", List.of("node1"));
    assertBricksIdentical("r2", "a create racing another node's");
  }

  @Test
  @Order(2)
  void unlinkedFilesAreGoneForEveryMountAndANameMadeAgainAtOnceStays() throws Exception {
    Path dir = a("r2").resolve("unlinked");
    Files.createDirectory(dir);
    for (int i = 0; i < 100; i++) {
      Files.writeString(dir.resolve("f" + i), "file " + i);
    }
    try (var listing = Files.list(dir)) { // as rm -rf does: the names and their attributes, then one unlink each
      assertEquals(100, listing.count());
    }
    double requests = brickRequests("r2", "unlink") + brickRequests("r2", "unlink_many");
    for (int i = 0; i < 100; i++) {
      if (i != 7) {
        Files.delete(dir.resolve("f" + i));
      }
    }
    try (var listing = Files.list(dir)) { // waits for the unlinks on their way
      assertEquals(List.of("f7"), listing.map(p -> p.getFileName().toString()).toList());
    }
    double sent = brickRequests("r2", "unlink") + brickRequests("r2", "unlink_many") - requests;
    assertTrue(sent < 120, "99 unlinks went to the 2 bricks in " + sent
        + " requests: those made while one was on its way go together, not one request each (198)");
    Files.delete(dir.resolve("f7"));
    Files.writeString(dir.resolve("f7"), "made again"); // right after its unlink, which may still be on its way
    assertFalse(Files.exists(dir.resolve("f8")));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of("f7"), listing.map(p -> p.getFileName().toString()).toList(), "node1's mount");
    }
    try (var listing = Files.list(b("r2").resolve("unlinked"))) {
      assertEquals(List.of("f7"), listing.map(p -> p.getFileName().toString()).toList(), "node2's mount");
    }
    assertOnEveryBrick("r2", "unlinked/f7", List.of("made again"));
    assertBricksIdentical("r2", "unlinks and a name made again");
    Files.delete(dir.resolve("f7"));
    Files.delete(dir); // right after the last unlink: not ENOTEMPTY
    // node2's mount listed it a moment ago: it may keep that for the cache time (a second)
    Eventually.await("the directory is gone on node2's mount", Duration.ofSeconds(3),
        () -> Files.exists(b("r2").resolve("unlinked")), there -> !there);
    assertBricksIdentical("r2", "rm -rf");
  }

  @Test
  @Order(2)
  void aMountReadsTheFilesOfABrickOnItsOwnHostWithoutAskingIt() throws Exception {
    Path f = a("r2").resolve("read-locally.txt");
    Files.writeString(f, "read here\n");
    FuseMount reader = mounts.get("r2")[1];
    double before = reader.counter("mortar_client_local_reads_total");
    assertEquals("read here\n", Files.readString(reader.dir.resolve("read-locally.txt")));
    double after = reader.counter("mortar_client_local_reads_total");
    if (bricksOnLocalDisk()) {
      assertTrue(after > before, "the brick directory on this host was read directly: " + before + " -> " + after);
    } else {
      assertEquals(0.0, after, "bricks in an object store are never read as local files");
    }
  }

  @Test
  @Order(3)
  void aReadOnlyVolumeRefusesEveryChangeOnRunningMountsAndTakesThemAgainWhenSetBack() throws Exception {
    Path dir = a("r2").resolve("read-only");
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("kept"), "kept\n");
    setOption("r2", "features.read-only", "on");
    for (Path mount : List.of(a("r2"), b("r2"))) {
      Eventually.await("the mount " + mount + " follows features.read-only", Duration.ofSeconds(10),
          () -> refusesWrites(mount.resolve("read-only")), refused -> refused);
    }
    Map<String, String> before = bricks.get("r2").get(0).snapshot();
    for (Path mount : List.of(a("r2"), b("r2"))) {
      Path d = mount.resolve("read-only");
      assertEquals("kept\n", Files.readString(d.resolve("kept")), "reads go on");
      String rofs = "Read-only file system";
      errno(rofs, FileSystemException.class, () -> Files.createFile(d.resolve("new")));
      errno(rofs, FileSystemException.class, () -> Files.writeString(d.resolve("kept"), "overwritten\n"));
      errno(rofs, FileSystemException.class, () -> Files.writeString(d.resolve("kept"), "more\n",
          StandardOpenOption.APPEND));
      errno(rofs, FileSystemException.class, () -> Files.createDirectory(d.resolve("sub")));
      errno(rofs, FileSystemException.class, () -> Files.delete(d.resolve("kept")));
      errno(rofs, FileSystemException.class, () -> Files.move(d.resolve("kept"), d.resolve("moved")));
      errno(rofs, FileSystemException.class, () -> Files.setPosixFilePermissions(d.resolve("kept"),
          PosixFilePermissions.fromString("rwx------")));
    }
    assertEquals(before, bricks.get("r2").get(0).snapshot(), "nothing changed on the bricks");
    setOption("r2", "features.read-only", "off");
    Eventually.await("the mount takes changes again", Duration.ofSeconds(10), () -> {
      Files.writeString(dir.resolve("kept"), "changed again\n");
      return true;
    }, ok -> ok);
    // node2 looked at the file less than a second ago (the CLI can take less): a change made through another mount
    // shows within performance.md-cache-timeout (1 s), as in GlusterFS, not at once.
    Thread.sleep(1_100);
    assertEquals("changed again\n", Files.readString(b("r2").resolve("read-only/kept")));
    assertBricksIdentical("r2", "a read-only volume set back");
  }

  @Test
  @Order(3)
  void withWriteBehindOffAnotherNodeSeesEveryByteWrittenBeforeTheWriterCloses() throws Exception {
    Files.createDirectory(a("r2").resolve("write-through"));
    byte[] chunk = new byte[256 << 10]; // two of the kernel's 128 KiB writes: more than one goes in a gather
    java.util.Arrays.fill(chunk, (byte) 'w');
    setOption("r2", "performance.write-behind", "off");
    try {
      // The mount follows the option within a moment: until then the later writes wait in its gather, unsent.
      Eventually.await("node2's mount sees all 768 KiB while node1's writer still has the file open",
          Duration.ofSeconds(10), () -> {
            String name = "write-through/f" + System.nanoTime();
            try (FileChannel ch = FileChannel.open(a("r2").resolve(name), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
              for (int i = 0; i < 3; i++) {
                ch.write(ByteBuffer.wrap(chunk));
              }
              return Files.size(b("r2").resolve(name));
            }
          }, size -> size == 3 * chunk.length);
    } finally {
      setOption("r2", "performance.write-behind", "on");
    }
    assertBricksIdentical("r2", "writes with write-behind off");
  }

  @Test
  @Order(3)
  void aMountFromAnAddressThatAuthAllowDoesNotListIsRefusedWithTheReason() throws Exception {
    Path dir = nodes.work.resolve("mnt/r2-refused");
    Files.createDirectories(dir);
    Cmd.Result bad = nodes.cli(1).run("volume", "set", "r2", "auth.allow", "node9.example");
    assertEquals(1, bad.exit(), bad::describe);
    assertTrue(bad.err().contains("host names are not resolved"), bad::describe);
    setOption("r2", "auth.allow", "192.0.2.*,10.0.0.0/8");
    try {
      Cmd.Result refused = Cmd.run(Duration.ofSeconds(60), E2e.mortar(), "mount", nodes.host(1) + ":/r2",
          dir.toString());
      assertEquals(1, refused.exit(), refused::describe);
      assertTrue(refused.err().contains("volume r2 does not allow mounts from 127."), refused::describe);
      assertTrue(refused.err().contains("auth.allow is 192.0.2.*,10.0.0.0/8"), refused::describe);
      assertFalse(Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(dir.toString())));
      setOption("r2", "auth.allow", "192.0.2.*,127.0.0.0/8");
      FuseMount.mount(nodes.host(1) + ":/r2", dir, E2e.logDir(getClass().getSimpleName())
          .resolve("mount-r2-allowed.log")).close();
    } finally {
      setOption("r2", "auth.allow", "*");
    }
  }

  @Test
  @Order(3)
  void withAllowOtherAnotherUserGetsOnlyWhatTheFilesModesGiveIt() throws Exception {
    Path dir = Files.createDirectory(a("r2").resolve("perm"));
    Files.writeString(dir.resolve("private"), "secret\n");
    Files.setPosixFilePermissions(dir.resolve("private"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dir.resolve("public"), "for all\n");
    Files.setPosixFilePermissions(dir.resolve("public"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    // Under /tmp: a path the other user can walk to.
    Path top = Files.createTempDirectory(Path.of("/tmp"), "mortar-allow-other");
    Files.setPosixFilePermissions(top, PosixFilePermissions.fromString("rwxr-xr-x"));
    FuseMount other = FuseMount.mount(nodes.host(1) + ":/r2", top.resolve("mnt"),
        E2e.logDir(getClass().getSimpleName()).resolve("mount-r2-allow-other.log"), List.of("-o", "allow_other"));
    try {
      Path d = other.dir.resolve("perm");
      Cmd.Result read = asNobody("cat \"$1\"/public", d);
      assertEquals(0, read.exit(), read::describe);
      assertEquals("for all\n", read.out());
      for (String change : List.of("cat \"$1\"/private", "echo more >> \"$1\"/private", "echo x > \"$1\"/public",
          "echo new > \"$1\"/new", "mkdir \"$1\"/sub", "rm \"$1\"/public")) {
        Cmd.Result r = asNobody(change, d);
        assertTrue(r.exit() != 0, r::describe);
        assertTrue(r.err().contains("Permission denied"), r::describe);
      }
    } finally {
      other.close();
      Cmd.run(Duration.ofSeconds(10), "rm", "-rf", top.toString());
    }
    assertOnEveryBrick("r2", "perm/private", List.of("secret"));
    assertOnEveryBrick("r2", "perm/public", List.of("for all"));
    assertFalse(bricks.get("r2").get(0).isRegularFile("perm/new"));
    assertBricksIdentical("r2", "another user's refused changes");
  }

  /** A shell command as the user nobody (65534), with {@code $1} the directory. */
  private static Cmd.Result asNobody(String command, Path dir) {
    return Cmd.run(Duration.ofSeconds(30), "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "sh", "-c", command, "_", dir.toString());
  }

  private static boolean refusesWrites(Path dir) throws IOException {
    try {
      Files.writeString(dir.resolve("probe"), "x");
      return false;
    } catch (FileSystemException e) {
      return "Read-only file system".equals(e.getReason());
    }
  }

  private void setOption(String vol, String key, String value) {
    Cmd.Result r = nodes.cli(1).run("volume", "set", vol, key, value);
    assertEquals(0, r.exit(), r::describe);
  }

  @Test
  @Order(3)
  void concurrentAppendsFromTwoMountsKeepEveryLineAndIdenticalBricks() throws Exception {
    onBothMountsAtOnce("r2", (dir, who) -> {
      for (int i = 0; i < 60; i++) {
        Files.writeString(dir.resolve("dates.txt"), who + " line " + i + "\n", StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    });
    for (BrickCopy brick : bricks.get("r2")) {
      List<String> lines = brick.lines("dates.txt");
      assertEquals(120, lines.size(), "every append is in brick " + brick);
      for (String who : List.of("node1", "node2")) {
        for (int i = 0; i < 60; i++) {
          assertTrue(lines.contains(who + " line " + i), who + " line " + i + " in " + brick);
        }
      }
    }
    assertBricksIdentical("r2", "concurrent appends");
  }

  /** The first line {@code p} writes, null if it ends without one. */
  private static String firstLine(Process p) throws Exception {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static void killWithChildren(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly().waitFor();
  }

  @Test
  @Order(3)
  void flockExcludesAcrossMountsOnTwoNodesAndLetsGoWhenItsHolderIsKilled() throws Exception {
    Files.writeString(a("r2").resolve("job.lock"), "");
    String onNode1 = a("r2").resolve("job.lock").toString();
    String onNode2 = b("r2").resolve("job.lock").toString();
    // cron on every server: `flock -n LOCK job` runs the job on one server at a time. The job says when it runs, as
    // flock(1) holds the lock by then; node2 probes only after: nothing orders two programs' flock calls (on a local
    // disk either), and a probe that took the lock first would make node1's flock -n give up.
    Process holder = new ProcessBuilder("flock", "-n", onNode1, "sh", "-c", "echo running; exec sleep 60").start();
    try {
      assertEquals("running", firstLine(holder), "node1's flock -n got the lock and runs its job");
      Eventually.await("node1's job holds the lock", Duration.ofSeconds(10),
          () -> Cmd.run(Duration.ofSeconds(10), "flock", "-n", onNode2, "true"), r -> r.exit() == 1);
      assertTrue(holder.isAlive(), "the job on node1 runs");
      assertEquals(1, Cmd.run(Duration.ofSeconds(10), "flock", "-s", "-n", onNode2, "true").exit(),
          "a shared lock waits for an exclusive one too");
      // flock -w ends its wait with a signal (SIGALRM): the mount sees it pending and the wait ends with EINTR
      Cmd.Result timedOut = Cmd.run(Duration.ofSeconds(20), "flock", "-w", "1", onNode2, "true");
      assertEquals(1, timedOut.exit(), timedOut::describe);
      assertTrue(timedOut.millis() < 5_000, "a signal ends the wait: " + timedOut.describe());
      // A blocking flock on node2 waits, and gets the lock once the holder on node1 is killed (its file closed)
      Path got = nodes.work.resolve("flock-got");
      Process waiter = new ProcessBuilder("flock", "-w", "30", onNode2, "-c", "date +%s%N > " + got).start();
      Thread.sleep(1_500);
      assertTrue(waiter.isAlive(), "node2's flock waits while node1 holds the lock");
      long killed = System.nanoTime();
      killWithChildren(holder); // flock(1) runs its command with the locked file open: both hold the lock
      assertTrue(waiter.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "node2's flock ends");
      assertEquals(0, waiter.exitValue(), "node2's flock got the lock");
      E2e.measured("flock holder on node1 SIGKILLed -> waiting flock on node2 has the lock",
          Duration.ofNanos(System.nanoTime() - killed));
    } finally {
      killWithChildren(holder);
    }
    // Shared locks are shared across nodes; an exclusive one is refused while they are held
    Process reader = new ProcessBuilder("flock", "-s", onNode1, "sleep", "60").start();
    try {
      Eventually.await("node1's shared lock is held", Duration.ofSeconds(10),
          () -> Cmd.run(Duration.ofSeconds(10), "flock", "-n", onNode2, "true"), r -> r.exit() == 1);
      assertEquals(0, Cmd.run(Duration.ofSeconds(10), "flock", "-s", "-n", onNode2, "true").exit(),
          "a second shared lock, on node2");
    } finally {
      killWithChildren(reader);
    }
    Eventually.await("the lock is free once every holder is gone", Duration.ofSeconds(10),
        () -> Cmd.run(Duration.ofSeconds(10), "flock", "-n", onNode2, "true"), Cmd.Result::ok);
  }

  @Test
  @Order(3)
  void fcntlRecordLocksExcludeAcrossMountsOnTwoNodes() throws Exception {
    Files.write(a("r2").resolve("records.db"), new byte[100]);
    try (FileChannel one = FileChannel.open(a("r2").resolve("records.db"), StandardOpenOption.READ,
        StandardOpenOption.WRITE);
         FileChannel two = FileChannel.open(b("r2").resolve("records.db"), StandardOpenOption.READ,
             StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock first = one.tryLock(0, 10, false);
      assertNotNull(first, "node1 write-locks bytes 0-9");
      assertNull(two.tryLock(5, 10, false), "node2 cannot lock bytes 5-14");
      assertNull(two.tryLock(0, 10, true), "nor read-lock bytes 0-9");
      java.nio.channels.FileLock beside = two.tryLock(10, 10, false);
      assertNotNull(beside, "bytes 10-19 are free");
      // F_SETLKW on node2 waits until node1 unlocks
      java.util.concurrent.CompletableFuture<java.nio.channels.FileLock> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return two.lock(0, 10, false);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Thread.sleep(1_000);
      assertFalse(waiting.isDone(), "node2's lock waits");
      first.release();
      java.nio.channels.FileLock got = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(got.isValid(), "node2 has bytes 0-9 once node1 let go");
      assertNull(one.tryLock(0, 1, true), "and node1 waits for it now");
      got.release();
      beside.release();
      java.nio.channels.FileLock shared1 = one.tryLock(0, Long.MAX_VALUE, true);
      java.nio.channels.FileLock shared2 = two.tryLock(0, Long.MAX_VALUE, true);
      assertNotNull(shared1, "read locks are shared");
      assertNotNull(shared2, "read locks are shared across nodes");
      shared2.release();
      assertNull(two.tryLock(50, 1, false), "no write lock under another node's read lock");
    }
    // close(2) gives up a process's locks on that mount
    try (FileChannel again = FileChannel.open(b("r2").resolve("records.db"), StandardOpenOption.WRITE)) {
      Eventually.await("every lock is given up at close", Duration.ofSeconds(10), () -> {
        try {
          java.nio.channels.FileLock all = again.tryLock();
          if (all != null) {
            all.release();
          }
          return all != null;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, ok -> ok);
    }
  }

  @Test
  @Order(3)
  void theSameNameMadeAtOnceFromTwoNodesIsOneFileOnEveryBrick() throws Exception {
    Files.createDirectory(a("r2").resolve("raced-names"));
    int names = 30;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    onBothMountsAtOnce("r2", (dir, who) -> {
      for (int i = 0; i < names; i++) {
        together.await(10, java.util.concurrent.TimeUnit.SECONDS);
        Files.writeString(dir.resolve("raced-names/n" + i), who + "\n", StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    });
    for (int i = 0; i < names; i++) {
      for (BrickCopy brick : bricks.get("r2")) {
        assertEquals(List.of("node1", "node2"), brick.lines("raced-names/n" + i).stream().sorted().toList(),
            "both appends in raced-names/n" + i + " on brick " + brick);
      }
    }
    assertBricksIdentical("r2", "the same names made at once from two nodes");
  }

  @Test
  @Order(3)
  void aFileKeptOpenAfterWritingDoesNotHoldUpAWriterOnAnotherNode() throws Exception {
    Path held = a("r2").resolve("kept-open.bin");
    byte[] first = new byte[3 << 20];
    java.util.Arrays.fill(first, (byte) 'a');
    try (FileChannel ch = FileChannel.open(held, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(first)); // sequential writes, sent behind the program's back; the file stays open
      long t0 = System.nanoTime();
      try (FileChannel other = FileChannel.open(b("r2").resolve("kept-open.bin"), StandardOpenOption.WRITE)) {
        other.write(ByteBuffer.wrap("node2 was here".getBytes(StandardCharsets.UTF_8)), 0);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      E2e.measured("a write on node2 to a file node1 keeps open after writing", took);
      assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "node2's write waited " + took
          + " for a lock the idle writer on node1 should have given up");
    }
    for (BrickCopy brick : bricks.get("r2")) {
      byte[] got = brick.bytes("kept-open.bin");
      assertEquals(first.length, got.length, "size in " + brick);
      assertEquals("node2 was here", new String(got, 0, 14, StandardCharsets.UTF_8), "in " + brick);
      assertEquals('a', got[14], "node1's data after it, in " + brick);
    }
    assertBricksIdentical("r2", "a write while another node keeps the file open");
  }

  @Test
  @Order(3)
  void aMountStoppedWithSigtermUnmountsAndEndsItsWritesAndAKilledOneLeavesNoDeadMount() throws Exception {
    Path mnt = nodes.work.resolve("mnt");
    Path logs = E2e.logDir(getClass().getSimpleName());
    FuseMount term = FuseMount.mount(nodes.host(2) + ":/r2", mnt.resolve("r2-term"), logs.resolve("mount-term.log"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(term.dir.resolve("term-" + i), "written before SIGTERM " + i + "\n");
    }
    term.terminate(Duration.ofSeconds(40)); // right after the last close: its write sessions are still ending
    assertFalse(term.mounted(), "SIGTERM unmounts");
    long t0 = System.nanoTime();
    Files.writeString(a("r2").resolve("term-49"), "rewritten at once\n"); // no lock of the stopped client left
    long took = System.nanoTime() - t0;
    E2e.measured("write to a file the SIGTERMed client wrote last", Duration.ofNanos(took));
    assertTrue(took < Duration.ofMillis(1500).toNanos(), "its lock was given up at exit, not left to its lease");
    for (BrickCopy brick : bricks.get("r2")) {
      for (int i = 0; i < 49; i++) {
        assertEquals("written before SIGTERM " + i + "\n", new String(brick.bytes("term-" + i),
            StandardCharsets.UTF_8), "in brick " + brick);
      }
    }
    Eventually.await("heal info shows 0 entries on both bricks after the stopped client", Duration.ofSeconds(20),
        () -> nodes.cli(1).run("volume", "heal", "r2", "info").out(),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == 2);
    assertBricksIdentical("r2", "a client stopped with SIGTERM");

    FuseMount killed = FuseMount.mount(nodes.host(2) + ":/r2", mnt.resolve("r2-kill"), logs.resolve("mount-kill.log"));
    Files.writeString(killed.dir.resolve("before-kill"), "acknowledged\n");
    killed.kill();
    Eventually.await("the killed client's mount point is unmounted (no 'Transport endpoint is not connected')",
        Duration.ofSeconds(10), () -> !killed.mounted(), ok -> ok);
    try (var listing = Files.list(killed.dir)) {
      assertEquals(0, listing.count(), "the mount point is an empty directory again");
    }
    for (BrickCopy brick : bricks.get("r2")) {
      assertEquals("acknowledged\n", new String(brick.bytes("before-kill"), StandardCharsets.UTF_8), "in " + brick);
    }
  }

  @Test
  @Order(4)
  void appendsGoOnWithinAboutTwoSecondsWhenANodeIsKilled() throws Exception {
    Path f = b("r3").resolve("outage.txt"); // mounted through node3; node1 dies
    long longest = 0;
    int failures = 0;
    List<String> written = new ArrayList<>();
    long killAt = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    boolean killed = false;
    long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      if (!killed && System.nanoTime() > killAt) {
        nodes.node(1).kill();
        killed = true;
      }
      String line = "append " + i;
      long t0 = System.nanoTime();
      try {
        Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        written.add(line);
      } catch (IOException e) {
        failures++;
      }
      longest = Math.max(longest, System.nanoTime() - t0);
      Thread.sleep(200);
    }
    Duration stall = Duration.ofNanos(longest);
    E2e.measured("longest append while node1 was SIGKILLed (replica 3)", stall);
    assertEquals(0, failures, "no append fails while two copies are reachable");
    assertTrue(stall.compareTo(Duration.ofMillis(3000)) < 0, "stall " + stall + " should be about 2 s or less");
    assertEquals(written, Files.readAllLines(f), "every acknowledged append is in the file");
    List<BrickCopy> alive = bricks.get("r3").subList(1, 3);
    assertArrayEquals(alive.get(0).bytes("outage.txt"), alive.get(1).bytes("outage.txt"),
        "the live bricks are identical");

    // What node1's brick missed is in the heal index of the others, shown as GlusterFS shows it
    Cmd.Result heal = nodes.cli(2).run("volume", "heal", "r3", "info");
    assertEquals(0, heal.exit(), heal::describe);
    assertTrue(heal.out().contains("Brick " + brickSpec(1, "r3") + "\nStatus: Transport endpoint is not connected\n"
        + "Number of entries: -\n"), heal::describe);
    assertTrue(heal.out().contains("Brick " + brickSpec(2, "r3") + "\n/outage.txt \n"), heal::describe);

    // node1 comes back: the client finds its brick again and writes to it (what it missed is marked for heal)
    nodes.node(1).launch().awaitRunning();
    BrickCopy back = bricks.get("r3").get(0);
    Eventually.Timed<Boolean> returned = Eventually.await("node1's brick takes appends again", Duration.ofSeconds(30),
        () -> {
          Files.writeString(f, "after the return\n", StandardOpenOption.APPEND);
          return new String(back.bytes("outage.txt"), StandardCharsets.ISO_8859_1).endsWith("after the return\n");
        }, ok -> ok);
    E2e.measured("node1 restarted -> its brick written again", returned.elapsed());

    // ... and the healer brings it up to date: heal info empties, all three copies end identical
    long back0 = System.nanoTime();
    Eventually.await("heal info shows 0 entries on every brick", back0, Duration.ofSeconds(60),
        () -> nodes.cli(2).run("volume", "heal", "r3", "info").out(),
        out -> out.split("Number of entries: 0\n", -1).length - 1 == 3);
    E2e.measured("node1 back -> heal info shows 0 entries", Duration.ofNanos(System.nanoTime() - back0));
    byte[] good = alive.get(0).bytes("outage.txt");
    assertArrayEquals(good, back.bytes("outage.txt"), "node1's brick healed to the same bytes");
    assertArrayEquals(good, alive.get(1).bytes("outage.txt"));
  }
}
