package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIFOs, sockets and device nodes on a local-disk brick: real ones in the brick directory, with the file ID every
 * other entry gets, and never opened by the brick (an open of a FIFO would wait for a writer: each call here must
 * return at once).
 */
class SpecialFilesTest {
  /** A call that opened the FIFO would wait for a writer for ever: this long means it did. */
  private static final Duration AT_ONCE = Duration.ofSeconds(10);
  /** makedev(1, 3) and makedev(7, 0), as Linux encodes st_rdev. */
  private static final long NULL_DEV = (1 << 8) | 3;
  private static final long LOOP0 = 7 << 8;

  @TempDir
  Path dir;
  private Path brick;
  private LocalDiskStorage storage;

  @BeforeEach
  void open() throws Exception {
    brick = dir.resolve("brick");
    BrickDirectory.prepare(brick, "vol");
    brick = brick.toRealPath();
    storage = LocalDiskStorage.open(brick);
  }

  private static void errno(Errno expected, Runnable r) {
    BrickException e = assertThrows(BrickException.class, r::run);
    assertEquals(expected, e.errno(), e.getMessage());
  }

  private Map<String, Object> onDisk(String name) throws Exception {
    return Files.readAttributes(brick.resolve(name), "unix:mode,rdev,uid,gid,ino,nlink", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void theBrickHoldsRealSpecialFilesWithTheirTypeOwnerModeDeviceNumberAndFileId() throws Exception {
    String id = UUID.randomUUID().toString();
    Attr fifo = storage.mknod("/fifo", Attr.S_IFIFO | 0666, 99, 1234, 5678, id);
    assertEquals(Attr.S_IFIFO | 0666, fifo.mode(), "the mode as asked, whatever the brick's umask");
    assertEquals(id, fifo.gfid());
    assertEquals(0, fifo.rdev(), "a FIFO has no device number");
    assertEquals(Attr.S_IFIFO | 0666, onDisk("fifo").get("mode"));
    assertEquals(1234, onDisk("fifo").get("uid"));
    assertEquals(5678, onDisk("fifo").get("gid"));

    Attr nul = storage.mknod("/null", Attr.S_IFCHR | 0666, NULL_DEV, -1, -1, null);
    assertEquals(NULL_DEV, nul.rdev());
    assertEquals(NULL_DEV, onDisk("null").get("rdev"), "a real character device 1,3 (needs root: CAP_MKNOD)");
    assertEquals(Attr.S_IFCHR | 0666, onDisk("null").get("mode"));
    Attr loop = storage.mknod("/loop", Attr.S_IFBLK | 0660, LOOP0, -1, -1, null);
    assertEquals(Attr.S_IFBLK | 0660, loop.mode());
    assertEquals(LOOP0, onDisk("loop").get("rdev"));
    Attr sock = storage.mknod("/sock", Attr.S_IFSOCK | 0755, 0, -1, -1, null);
    assertEquals(Attr.S_IFSOCK | 0755, (int) onDisk("sock").get("mode"));
    assertTrue(sock.isSpecial());

    // Their metadata is a side file: special files carry no user xattrs (and must not be opened to write one).
    Path side = brick.resolve(".mortar/ino/" + onDisk("fifo").get("ino"));
    assertEquals(id, MetaXattr.decode(Files.readAllBytes(side)).gfid());
    assertEquals(List.of("fifo", "loop", "null", "sock"),
        storage.readdir("/").stream().map(BrickStorage.DirEntry::name).sorted().toList());
    Attr listed = storage.readdir("/").stream().filter(e -> e.name().equals("null")).findFirst().orElseThrow().attr();
    assertEquals(nul, listed, "listed with its type and device number");
    assertEquals(nul, storage.lookup("/null"));

    errno(Errno.EEXIST, () -> storage.mknod("/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null));
    errno(Errno.EINVAL, () -> storage.mknod("/reg", Attr.S_IFREG | 0644, 0, -1, -1, null));
    errno(Errno.EINVAL, () -> storage.mknod("/dir", Attr.S_IFDIR | 0755, 0, -1, -1, null));
    errno(Errno.ENOENT, () -> storage.mknod("/no/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null));
    assertFalse(Files.exists(brick.resolve("reg")));
    try (var left = Files.list(brick.resolve(".mortar/tmp"))) {
      assertEquals(0, left.count(), "nothing half-made stays behind");
    }
  }

  @Test
  void aFifoIsChangedListedAndRefusedWithoutEverBeingOpened() throws Exception {
    storage.mknod("/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null);
    assertTimeoutPreemptively(AT_ONCE, () -> {
      assertEquals(0600, storage.chmod("/fifo", 0600).mode() & 07777);
      assertEquals(42, storage.chown("/fifo", 42, 43).uid());
      long t = 1_600_000_000_123_456_789L;
      Attr timed = storage.utimens("/fifo", t, t + 1);
      assertEquals(t, timed.atime());
      assertEquals(t + 1, timed.mtime());
      assertEquals(t + 1, storage.utimens("/fifo", Requests.Utimens.NOW, Requests.Utimens.OMIT).mtime());
      assertEquals(t + 5, storage.utimens("/fifo", Requests.Utimens.OMIT, t + 5).mtime(), "touch -m");

      assertEquals(List.of(), storage.listxattr("/fifo"), "Linux lets no user attribute on a FIFO");
      errno(Errno.ENODATA, () -> storage.getxattr("/fifo", "user.x"));
      errno(Errno.EPERM, () -> storage.setxattr("/fifo", "user.x", Buffer.buffer("v"), 0));
      errno(Errno.EPERM, () -> storage.removexattr("/fifo", "user.x"));

      errno(Errno.EINVAL, () -> storage.open("/fifo"));
      errno(Errno.EINVAL, () -> storage.write("/fifo", 0, Buffer.buffer("x")));
      errno(Errno.EINVAL, () -> storage.truncate("/fifo", 0));
      errno(Errno.EINVAL, () -> storage.fsync("/fifo", false));

      FileMeta blamed = storage.updateMeta("/fifo", 0, 0, 1, Map.of(1, 1L)); // synced to disk: not by opening it
      assertEquals(List.of(new BrickStorage.IndexEntry(blamed.gfid(), "/fifo")), storage.healIndex());
      assertTrue(storage.updateMeta("/fifo", 0, 0, 0, Map.of(1, -1L)).clean());
    });
    assertEquals(Attr.S_IFIFO | 0600, onDisk("fifo").get("mode"));
  }

  /**
   * A FIFO with a reader opens at once for writing: the brick must still refuse it by what it opened, not by what the
   * name was just before (another request can rename a FIFO over a file's name between the two).
   */
  @Test
  void aWriteToAFifoWithAReaderIsRefusedAndSendsItNothing() throws Exception {
    storage.mknod("/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null);
    POSIX posix = POSIXFactory.getNativePOSIX();
    int reader = posix.open(brick.resolve("fifo").toString(), LibC.O_RDONLY | LibC.O_NONBLOCK_X86_64, 0);
    assertTrue(reader >= 0, "a reader of the FIFO, waiting");
    try {
      assertTimeoutPreemptively(AT_ONCE, () -> {
        errno(Errno.EINVAL, () -> storage.write("/fifo", 0, Buffer.buffer("x")));
        errno(Errno.EINVAL, () -> storage.truncate("/fifo", 0));
      });
      assertTrue(posix.read(reader, new byte[1], 1) <= 0, "nothing reached the reader");
    } finally {
      posix.close(reader);
    }
  }

  @Test
  void aFifoIsHardLinkedRenamedAndRemovedWithItsFileId() throws Exception {
    String id = storage.mknod("/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null).gfid();
    Path side = brick.resolve(".mortar/ino/" + onDisk("fifo").get("ino"));
    Attr linked = storage.link("/fifo", "/alias");
    assertEquals(2, linked.nlink());
    assertEquals(id, linked.gfid(), "two names, one file ID");
    storage.rename("/alias", "/moved");
    assertEquals(id, storage.lookup("/moved").gfid());
    storage.unlink("/fifo");
    assertTrue(Files.exists(side), "a name is left: so is its metadata");
    assertEquals(id, storage.meta("/moved").gfid());
    storage.unlink("/moved");
    assertFalse(Files.exists(side), "the last name gone, its side metadata goes too");
    errno(Errno.ENOENT, () -> storage.lookup("/moved"));
  }
}
