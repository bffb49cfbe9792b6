package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage.IndexEntry;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication metadata and its counters, with the heal index kept in step, on a real directory. */
class ReplicaMetaTest {
  @TempDir
  Path dir;
  private Path root;
  private HealIndex index;
  private ReplicaMeta meta;
  private FileAttributes attributes;

  @BeforeEach
  void open() throws IOException {
    root = Files.createDirectories(dir.resolve("brick")).toRealPath();
    POSIX posix = POSIXFactory.getNativePOSIX();
    BrickPaths paths = new BrickPaths(root, posix, 100);
    Path priv = Files.createDirectories(paths.metaDir());
    index = new HealIndex(priv.resolve("index"), priv.resolve("spare"), posix);
    meta = new ReplicaMeta(paths, Files.createDirectories(priv.resolve("tmp")), priv.resolve("ino"), index, posix);
    attributes = new FileAttributes(paths, meta);
  }

  @Test
  void aFilePutThereByHandGetsAnIdOnFirstUseAndKeepsIt() throws IOException {
    Path f = Files.writeString(root.resolve("by-hand"), "x");
    assertNull(meta.read(f));
    FileMeta first = meta.get(f, "/by-hand");
    assertTrue(first.clean());
    assertEquals(first, meta.get(f, "/by-hand"));
    assertEquals(first.gfid(), attributes.of(f, "/by-hand").gfid(), "a stat answers the file ID");
    assertNull(meta.read(root.resolve("missing")), "no file, no metadata");
  }

  @Test
  void aDirtyFileIsInTheHealIndexUntilItsCountersAreBackToZero() throws IOException {
    Path f = Files.createFile(root.resolve("f"));
    FileMeta dirty = meta.update(f, "/f", 1, 1, 0, Map.of());
    assertEquals(1, dirty.dirty());
    assertEquals(1, dirty.dataVersion());
    assertEquals(List.of(new IndexEntry(dirty.gfid(), "/f")), index.entries());
    FileMeta blamed = meta.update(f, "/f", -1, 0, 0, Map.of(2, 1L)); // brick 2 missed it: still not clean
    assertEquals(Map.of(2, 1L), blamed.pending());
    assertEquals(1, index.entries().size());
    FileMeta healed = meta.update(f, "/f", 0, 0, 0, Map.of(2, -1L));
    assertTrue(healed.clean());
    assertTrue(index.entries().isEmpty(), "clean again: the entry is gone");
    assertEquals(healed, meta.read(f), "on disk as answered");
  }

  @Test
  void countersNeverGoBelowZeroAndAFailedUpdateChangesNothing() throws IOException {
    Path f = Files.createFile(root.resolve("f"));
    FileMeta before = meta.update(f, "/f", 1, 0, 0, Map.of());
    BrickException e = assertThrows(BrickException.class, () -> meta.update(f, "/f", -2, 0, 0, Map.of()));
    assertEquals(Errno.EINVAL, e.errno());
    assertEquals(before, meta.read(f));
    assertEquals(1, index.entries().size());
  }

  @Test
  void aSymbolicLinksMetadataIsASideFileThatGoesWithItsLastName() throws IOException {
    Path link = Files.createSymbolicLink(root.resolve("l"), Path.of("nowhere"));
    FileMeta m = meta.update(link, "/l", 1, 0, 0, Map.of());
    long ino = (Long) Files.getAttribute(link, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    Path side = root.resolve(".mortar/ino/" + ino);
    assertTrue(Files.exists(side), "a link carries no user xattr: its metadata is beside it");
    assertEquals(m, meta.read(link));
    Attr a = attributes.of(link, "/l");
    Files.delete(link);
    meta.forget(a);
    assertFalse(Files.exists(side));
    assertTrue(index.entries().isEmpty());
  }

  @Test
  void unreadableMetadataIsAnIoErrorThatSaysWhatToDo() throws IOException {
    Path f = Files.createFile(root.resolve("f"));
    Files.getFileAttributeView(f, java.nio.file.attribute.UserDefinedFileAttributeView.class)
        .write(ReplicaMeta.XATTR, java.nio.ByteBuffer.wrap(new byte[] {99, 1, 2}));
    BrickException e = assertThrows(BrickException.class, () -> meta.read(f));
    assertEquals(Errno.EIO, e.errno());
    assertTrue(e.getMessage().contains("volume heal"), e.getMessage());
    assertNotNull(e.getMessage());
  }
}
