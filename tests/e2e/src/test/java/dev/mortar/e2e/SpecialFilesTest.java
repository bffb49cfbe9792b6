package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.local.LibC;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FIFOs, device nodes and Unix sockets in a replica-2 volume of two nodes, through a mount on each node: made with
 * mkfifo, mknod and bind(2), seen with their type and device number on both mounts and in both bricks, carrying a
 * pipe's data between two processes of one host, renamed, hard-linked and removed; and made by heal on a brick that
 * was down while they were made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpecialFilesTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();
  private static final Duration QUICK = Duration.ofSeconds(30);

  private LocalNodes nodes;
  private FuseMount a;
  private FuseMount b;
  private final List<BrickCopy> bricks = new ArrayList<>();

  // ---- what S3SpecialFilesTest changes to run the same tests on S3 bricks ----

  Map<String, String> nodeEnvironment() {
    return Map.of();
  }

  String brickSpec(int i) {
    return nodes.brick(i, "vol");
  }

  String host(int i) {
    return nodes.host(i);
  }

  BrickCopy copyOf(String spec) {
    return new LocalBrickCopy(spec);
  }

  @BeforeAll
  void start() {
    FuseMount.requireFuse();
    nodes = LocalNodes.start(getClass().getSimpleName(), 2, LOGS, nodeEnvironment());
    nodes.replicaTwo("vol", brickSpec(1), brickSpec(2));
    bricks.add(copyOf(brickSpec(1)));
    bricks.add(copyOf(brickSpec(2)));
    Path mnt = nodes.work.resolve("mnt");
    Path logs = E2e.logDir(getClass().getSimpleName());
    a = FuseMount.mount(nodes.host(1) + ":/vol", mnt.resolve("a"), logs.resolve("mount-a.log"));
    b = FuseMount.mount(nodes.host(2) + ":/vol", mnt.resolve("b"), logs.resolve("mount-b.log"));
  }

  @AfterAll
  void stop() {
    FuseMount.closeAll(a, b);
    if (nodes != null) {
      nodes.close();
    }
  }

  private void cli(int node, String... words) {
    Cmd.Result r = nodes.cli(node).run(words);
    assertEquals(0, r.exit(), r::describe);
  }

  private static Cmd.Result sh(String script, Path dir) {
    Cmd.Result r = Cmd.run(QUICK, "sh", "-c", "cd \"$1\" && " + script, "_", dir.toString());
    assertEquals(0, r.exit(), r::describe);
    return r;
  }

  /** {@code stat -c '%F %t,%T %a'} of names in {@code dir}: type, device major,minor (hex), permissions. */
  private static String stat(Path dir, String... names) {
    return sh("stat -c '%n: %F %t,%T %a' " + String.join(" ", names), dir).out();
  }

  private void assertBricksIdentical(String after) throws IOException {
    assertEquals(bricks.get(0).snapshot(), bricks.get(1).snapshot(), "bricks differ after " + after);
  }

  @Test
  @Order(1)
  void fifosDevicesAndSocketsAreMadeAndEveryMountAndBrickSeesTheirTypeAndNumber() throws Exception {
    Path dir = Files.createDirectory(a.dir.resolve("kinds"));
    sh("mkfifo fifo && mknod null c 1 3 && mknod loop b 7 0", dir);
    // bind(2) of a Unix socket makes its name with mknod. A socket's name must fit in 108 bytes: it is bound
    // through a short link to the directory.
    Path shortDir = Files.createTempDirectory("mortar-sock");
    Path link = Files.createSymbolicLink(shortDir.resolve("d"), dir);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(link.resolve("sock")));
      String expected = "fifo: fifo 0,0 644\nloop: block special file 7,0 644\nnull: character special file 1,3 644\n"
          + "sock: socket 0,0 755\n";
      assertEquals(expected, stat(dir, "fifo", "loop", "null", "sock"));
      Path other = b.dir.resolve("kinds");
      assertEquals(expected, stat(other, "fifo", "loop", "null", "sock"), "the mount through node2 sees the same");
      Map<String, Object> dev = Files.readAttributes(other.resolve("null"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
      assertEquals((1L << 8) | 3, dev.get("rdev"), "st_rdev as the kernel encodes makedev(1, 3)");

      // A client on the same host connects to the bound name and they talk.
      try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(link.resolve("sock")));
           SocketChannel accepted = server.accept()) {
        client.write(ByteBuffer.wrap("hello over the socket".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer got = ByteBuffer.allocate(64);
        accepted.read(got);
        assertEquals("hello over the socket", new String(got.array(), 0, got.position(), StandardCharsets.UTF_8));
      }
    } finally {
      Files.delete(link);
      Files.delete(shortDir);
    }
    String ls = sh("ls -l", dir).out();
    for (String line : List.of("^p.* fifo$", "^b.* 7, *0 .* loop$", "^c.* 1, *3 .* null$", "^s.* sock$")) {
      assertTrue(ls.lines().anyMatch(l -> l.matches(line)), "ls -l shows " + line + ":\n" + ls);
    }
    assertEquals("./fifo\n", sh("find . -type p", dir).out(), "find tells the type");
    assertBricksIdentical("mkfifo, mknod and bind");
    for (BrickCopy brick : bricks) {
      assertTrue(brick.stat("kinds/null").startsWith("mode=20644 ") && brick.stat("kinds/null").endsWith(" rdev=259"),
          "a character device 1,3 in brick " + brick + ": " + brick.stat("kinds/null"));
    }
  }

  @Test
  @Order(2)
  void aFifoCarriesDataFromOneProcessToAnotherOnTheSameMount() throws Exception {
    Path dir = Files.createDirectory(a.dir.resolve("pipe"));
    sh("mkfifo fifo", dir);
    Path out = nodes.work.resolve("read-from-fifo");
    Process reader = new ProcessBuilder("cat", dir.resolve("fifo").toString())
        .redirectOutput(out.toFile()).redirectErrorStream(true).start();
    try {
      sh("printf 'through the pipe\\n' > fifo", dir);
      assertTrue(reader.waitFor(30, TimeUnit.SECONDS), "the reader got the end of the data");
      assertEquals(0, reader.exitValue());
      assertEquals("through the pipe\n", Files.readString(out), "the kernel's pipe: FUSE never sees the data");
    } finally {
      reader.destroyForcibly();
    }
    assertEquals(0, Files.size(dir.resolve("fifo")));
  }

  @Test
  @Order(3)
  void specialFilesAreHardLinkedRenamedChangedAndRemoved() throws Exception {
    Path dir = Files.createDirectory(a.dir.resolve("names"));
    sh("mkfifo fifo && ln fifo fifo-link && mkdir sub && mv fifo-link sub/moved", dir);
    Path moved = b.dir.resolve("names/sub/moved");
    assertEquals(2, Files.getAttribute(moved, "unix:nlink", LinkOption.NOFOLLOW_LINKS),
        "link(2) of a FIFO: two names of one file");
    assertEquals(Files.getAttribute(dir.resolve("fifo"), "unix:ino", LinkOption.NOFOLLOW_LINKS),
        Files.getAttribute(moved, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    sh("chmod 600 fifo && chown 1234:5678 fifo && touch -d @1600000000.5 fifo", dir);
    assertEquals("600 1234:5678 1600000000.500000000\n", sh("stat -c '%a %u:%g %.9Y' fifo", dir).out());
    Eventually.await("the other name on the other mount shows the change", Duration.ofSeconds(5),
        () -> sh("stat -c '%a %u:%g %.9Y' moved", moved.getParent()).out(),
        "600 1234:5678 1600000000.500000000\n"::equals);
    assertBricksIdentical("link, rename, chmod, chown, touch");
    sh("rm fifo sub/moved", dir);
    assertEquals("", sh("find . ! -type d", dir).out(), "both names gone");

    // mknod(2) of a regular file makes an empty regular file (libfuse sends it as an exclusive create).
    Path regular = dir.resolve("regular");
    assertEquals(0, LibC.CALLS.mknod(regular.toString(), 0100640, 0), "mknod(S_IFREG) on the mount");
    assertEquals("regular empty file 640\n", sh("stat -c '%F %a' regular", dir).out());
    Files.writeString(regular, "written after\n");
    assertEquals("written after\n", Files.readString(b.dir.resolve("names/regular")));
    assertBricksIdentical("rm and mknod of a regular file");
  }

  @Test
  @Order(4)
  void aBrickThatWasDownGetsTheSpecialFilesMadeMeanwhileByHeal() throws Exception {
    Path dir = Files.createDirectory(a.dir.resolve("outage"));
    sh("mkfifo before gone", dir);
    nodes.node(2).kill();
    sh("mkfifo fifo && mknod zero c 1 5 && chown 1234:5678 fifo && chmod 600 fifo before"
        + " && touch -d @1600000000.25 fifo zero && rm gone", dir);
    nodes.node(2).launch().awaitRunning();
    Eventually.await("node2's brick online", Duration.ofSeconds(60),
        () -> nodes.cli(1).run("volume", "status", "vol").out(), s -> !s.contains(" N "));
    cli(2, "volume", "heal", "vol");
    Eventually.await("heal info shows 0 entries on both bricks", Duration.ofSeconds(60),
        () -> nodes.cli(1).run("volume", "heal", "vol", "info").out(),
        s -> s.split("Number of entries: 0\n", -1).length - 1 == 2);
    assertBricksIdentical("heal");
    for (String name : List.of("before", "fifo", "zero")) {
      String path = "outage/" + name;
      assertEquals(bricks.get(0).stat(path), bricks.get(1).stat(path), name + ": type, mode, owner, time and device"
          + " number healed");
    }
    assertTrue(bricks.get(1).stat("outage/zero").endsWith(" rdev=261"), bricks.get(1).stat("outage/zero"));
    assertTrue(bricks.get(1).stat("outage/fifo").startsWith("mode=10600 uid=1234 gid=5678 mtime=1600000000250000000"),
        bricks.get(1).stat("outage/fifo"));
    assertFalse(bricks.get(1).snapshot().containsKey("outage/gone"), "a FIFO removed meanwhile does not come back");
  }
}
