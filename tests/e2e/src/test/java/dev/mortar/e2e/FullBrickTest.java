package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica-2 volume whose bricks are on 48 MiB tmpfs filesystems, filled through a real FUSE mount: a full disk is
 * reported by the write(2) that meets it, as on a local disk (a shell's {@code echo > file} says so too: it never
 * checks close(2)), the copies stay identical, and once room is made writes go on. A failed write takes back the
 * part that fitted on each brick, so copies that filled up at the same write stay identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FullBrickTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  LocalNodes nodes;
  private final List<Path> tmpfs = new ArrayList<>();
  final List<BrickCopy> bricks = new ArrayList<>();
  FuseMount mount;

  /** tmpfs sizes of brick 1 and brick 2. */
  String[] brickSizes() {
    return new String[] {"48m", "48m"};
  }

  /** What the two copies are when the first write(2) met a full disk. */
  void checkCopiesWhenFull(long written) throws IOException {
    assertEquals(bricks.get(0).snapshot(), bricks.get(1).snapshot(), "the copies are identical when full");
  }

  @BeforeAll
  void start() {
    FuseMount.requireFuse();
    nodes = LocalNodes.start(getClass().getSimpleName(), 2, LOGS);
    assertEquals(0, nodes.cli(1).run("peer", "probe", nodes.host(2)).exit());
    List<String> words = new ArrayList<>(List.of("volume", "create", "small", "replica", "2"));
    for (int i = 1; i <= 2; i++) {
      Path fs = nodes.work.resolve("tmpfs" + i);
      Cmd.must("mkdir", "-p", fs.toString());
      Cmd.must("mount", "-t", "tmpfs", "-o", "size=" + brickSizes()[i - 1], "tmpfs", fs.toString());
      tmpfs.add(fs);
      String spec = nodes.host(i) + ":" + fs.resolve("brick");
      words.add(spec);
      bricks.add(new LocalBrickCopy(spec));
    }
    Cmd.Result created = nodes.cli(1).run(words.toArray(String[]::new));
    assertEquals(0, created.exit(), created::describe);
    assertEquals(0, nodes.cli(1).run("volume", "start", "small").exit());
    mount = FuseMount.mount(nodes.host(1) + ":/small", nodes.work.resolve("mnt"),
        E2e.logDir(getClass().getSimpleName()).resolve("mount.log"));
  }

  @AfterAll
  void stop() {
    if (mount != null) {
      mount.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    tmpfs.forEach(fs -> Cmd.run(Duration.ofSeconds(30), "umount", fs.toString()));
  }

  @Test
  void aFullBrickIsReportedByTheWriteThatMeetsItAndWritesGoOnOnceThereIsRoom() throws Exception {
    Path big = mount.dir.resolve("big");
    byte[] mib = new byte[1 << 20];
    java.util.Arrays.fill(mib, (byte) 'x');
    long written = 0;
    try (FileChannel ch = FileChannel.open(big, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      IOException full = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 64; i++) {
          ch.write(ByteBuffer.wrap(mib));
        }
      }, "64 MiB do not fit in 48 MiB");
      assertTrue(String.valueOf(full.getMessage()).contains("No space left on device"), full.toString());
      // The failed write took back the part that fitted: the last blocks fill with smaller writes.
      IOException last = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 256; i++) {
          ch.write(ByteBuffer.wrap(mib, 0, 4096));
        }
      }, "the last MiB fills up");
      assertTrue(String.valueOf(last.getMessage()).contains("No space left on device"), last.toString());
      written = ch.size();
    }
    E2e.note("written before the disk was full: " + written + " bytes");

    Cmd.Result shell = Cmd.run(Duration.ofSeconds(30), "bash", "-c", "echo hello > \"$1\"/greeting", "_",
        mount.dir.toString());
    assertEquals(1, shell.exit(), shell::describe);
    // At the open (a new file's inode and metadata need room too) or at the write: either way bash says so.
    assertTrue(shell.err().contains("No space left on device"), shell::describe);
    checkCopiesWhenFull(written);

    Files.delete(big);
    // The bricks look at their room every second, and the mount asks them every second.
    Eventually.await("a shell writes again once there is room", Duration.ofSeconds(10),
        () -> Cmd.run(Duration.ofSeconds(30), "bash", "-c", "echo hello > \"$1\"/greeting", "_",
            mount.dir.toString()), Cmd.Result::ok);
    assertEquals("hello\n", Files.readString(mount.dir.resolve("greeting")));
    for (BrickCopy b : bricks) {
      assertEquals("hello\n", new String(b.bytes("greeting"), StandardCharsets.UTF_8), "in " + b);
    }
    assertEquals(bricks.get(0).snapshot(), bricks.get(1).snapshot(), "the copies are identical");
  }
}
