package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.BrickStorage.IndexEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealIndexTest {
  @TempDir
  Path dir;
  private HealIndex index;

  @BeforeEach
  void open() throws IOException {
    index = new HealIndex(dir.resolve("index"), dir.resolve("spare"), POSIXFactory.getNativePOSIX());
  }

  @Test
  void anEntryIsAFileNamedByTheFileIdHoldingItsPathAndIsAddedOnce() {
    index.add("g1", "/a/b", false);
    index.add("g2", "/c", true);
    index.add("g1", "/elsewhere", true); // there already: its hint stays
    assertEquals(Set.of(new IndexEntry("g1", "/a/b"), new IndexEntry("g2", "/c")), Set.copyOf(index.entries()));
    assertEquals("/a/b", index.hint("g1"));
    assertEquals("/", index.hint("missing"), "an entry that is not there has the root as its hint");
  }

  @Test
  void aRemovedEntryIsNotBroughtBackByAHintRewriteAndItsFileIsKeptAsASpare() throws IOException {
    index.add("g1", "/a", false);
    index.remove("g1");
    index.rehint("g1", "/b"); // a rename that raced with the heal that cleared the file
    assertTrue(index.entries().isEmpty());
    try (var spares = Files.list(dir.resolve("spare"))) {
      assertEquals(1, spares.count(), "the entry's file is kept for the next entry");
    }
    index.removeIfPresent("g1");
    index.add("g2", "/c", false);
    assertEquals(Set.of(new IndexEntry("g2", "/c")), Set.copyOf(index.entries()), "a spare reused holds only its hint");
  }

  @Test
  void theHintsOfADirectorysFilesFollowItsRenameAndNoOthers() {
    index.add("dir", "/a/b", false);
    index.add("in", "/a/b/c/file", false);
    index.add("sibling", "/a/bc/file", false); // same leading characters, another directory
    index.add("odd", "not/a/volume/path", false);
    index.followRename("/a/b", "/x/y", "dir", true);
    assertEquals(Set.of("dir=/x/y", "in=/x/y/c/file", "sibling=/a/bc/file", "odd=not/a/volume/path"),
        index.entries().stream().map(e -> e.gfid() + "=" + e.path()).collect(Collectors.toSet()));
  }

  @Test
  void aFileRenameRewritesItsOwnHintOnly() {
    index.add("f", "/a/f", false);
    index.add("g", "/a/f/g", false); // not under a file: left alone
    index.followRename("/a/f", "/b", "f", false);
    assertEquals("/b", index.hint("f"));
    assertEquals("/a/f/g", index.hint("g"));
    index.followRename("/b", "/c", null, false); // a file without an ID (put there by hand): nothing to follow
    assertFalse(index.entries().stream().anyMatch(e -> e.path().equals("/c")));
  }
}
