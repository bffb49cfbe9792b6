package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage.IndexEntry;
import dev.mortar.common.brick.FileMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stale heal-index hints found again by the file ID, on a real directory whose files move behind the index's back. */
class HintRelocatorTest {
  @TempDir
  Path dir;
  private Path root;
  private HealIndex index;
  private ReplicaMeta meta;
  private HintRelocator relocator;

  @BeforeEach
  void open() throws IOException {
    root = Files.createDirectories(dir.resolve("brick")).toRealPath();
    POSIX posix = POSIXFactory.getNativePOSIX();
    BrickPaths paths = new BrickPaths(root, posix, 100);
    Path priv = Files.createDirectories(paths.metaDir());
    index = new HealIndex(priv.resolve("index"), priv.resolve("spare"), posix);
    meta = new ReplicaMeta(paths, Files.createDirectories(priv.resolve("tmp")), priv.resolve("ino"), index, posix);
    relocator = new HintRelocator(paths, meta, index, new ReentrantLock(), 60_000_000_000L);
  }

  private FileMeta dirty(String path) throws IOException {
    Path f = root.resolve(path.substring(1));
    Files.createDirectories(f.getParent());
    Files.createFile(f);
    return meta.update(f, path, 1, 0, 0, Map.of());
  }

  @Test
  void holdingHintsAreAnsweredAsTheyAre() throws IOException {
    FileMeta a = dirty("/a");
    assertEquals(List.of(new IndexEntry(a.gfid(), "/a")), relocator.healIndex());
  }

  @Test
  void aMovedFileIsFoundByItsIdAndItsHintRewritten() throws IOException {
    FileMeta moved = dirty("/d/old");
    FileMeta stays = dirty("/d/other");
    Files.createDirectories(root.resolve("e/f"));
    Files.move(root.resolve("d/old"), root.resolve("e/f/new")); // as a rename racing with the metadata update
    assertEquals(Set.of(new IndexEntry(moved.gfid(), "/e/f/new"), new IndexEntry(stays.gfid(), "/d/other")),
        Set.copyOf(relocator.healIndex()));
    assertEquals("/e/f/new", index.hint(moved.gfid()), "rewritten on disk: the next listing needs no walk");
  }

  @Test
  void anEntryWithoutAHintIsFoundByItsId() throws IOException {
    Path f = Files.createFile(root.resolve("late"));
    FileMeta m = meta.update(f, "/late", 1, 0, 0, Map.of());
    Files.write(root.resolve(".mortar/index/" + m.gfid()), new byte[0]); // as made on a disk with no block left
    assertEquals(List.of(new IndexEntry(m.gfid(), "/late")), relocator.healIndex());
  }

  @Test
  void theEntryOfAFileGoneFromTheBrickIsDropped() throws IOException {
    FileMeta gone = dirty("/gone");
    Files.delete(root.resolve("gone")); // its last name removed by hand
    assertTrue(relocator.healIndex().isEmpty());
    assertTrue(index.entries().isEmpty(), "dropped from disk too: " + gone.gfid());
  }

  @Test
  void theBricksOwnMetadataIsNeverTakenForAFile() throws IOException {
    FileMeta m = dirty("/x");
    Files.move(root.resolve("x"), root.resolve(".mortar/tmp/x")); // only under .mortar now: gone from the volume
    assertTrue(relocator.healIndex().isEmpty(), "the walk skips .mortar: " + m.gfid());
  }
}
