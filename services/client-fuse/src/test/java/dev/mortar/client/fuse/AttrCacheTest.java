package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AttrCacheTest {
  private static final Attr FILE = new Attr("id-f", 1, Attr.S_IFREG | 0644, 1, 0, 0, 3, 1, 0, 0, 0);
  private static final Attr DIR = new Attr("id-d", 2, Attr.S_IFDIR | 0755, 2, 0, 0, 0, 0, 0, 0, 0);

  @Test
  void attributesAreServedWithinTheCacheTimeOnly() {
    AttrCache fresh = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    assertEquals(FILE, fresh.put("/f", FILE));
    assertEquals(FILE, fresh.fresh("/f"));
    assertNull(fresh.fresh("/g"), "never cached");

    AttrCache expired = new AttrCache(0);
    expired.put("/f", FILE);
    assertNull(expired.fresh("/f"), "past the cache time");
    assertEquals(FILE, expired.any("/f"), "still there until pruned");
    expired.prune();
    assertNull(expired.any("/f"), "pruned");
  }

  @Test
  void pruneKeepsWhatIsStillFresh() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/f", FILE);
    cache.prune();
    assertEquals(FILE, cache.fresh("/f"));
  }

  @Test
  void aRemovedOrRenamedDirectoryTakesWhatWasCachedBelowItButNotItsNeighbours() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/d", DIR);
    cache.put("/d/f", FILE);
    cache.put("/d/e/f", FILE);
    cache.put("/dx", FILE);
    cache.forgetBelow("/d");
    assertNull(cache.any("/d/f"));
    assertNull(cache.any("/d/e/f"));
    assertEquals(DIR, cache.any("/d"), "the directory's own entry is the caller's to drop");
    assertEquals(FILE, cache.any("/dx"), "a name that only starts like it");
    cache.remove("/d");
    assertNull(cache.any("/d"));
  }

  @Test
  void onlyADirectoryOrAnUnknownNameMayHaveNamesCachedBelowIt() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/d", DIR);
    cache.put("/f", FILE);
    assertTrue(cache.mayHoldNames("/d"));
    assertTrue(cache.mayHoldNames("/unknown"));
    assertFalse(cache.mayHoldNames("/f"));
  }

  private static Attr file(String gfid, int mode, int nlink, long ctime) {
    return new Attr(gfid, 7, Attr.S_IFREG | mode, nlink, 0, 0, 3, 1, 0, 0, ctime);
  }

  @Test
  void whatOneNameOfAFileLearnsItsOtherNamesShowToo() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    cache.put("/other", file("id-o", 0644, 1, 1));
    Attr linked = file("id-l", 0644, 3, 2);
    cache.put("/c", linked);
    assertEquals(linked, cache.fresh("/a"), "ln a c: a has three links now");
    assertEquals(linked, cache.fresh("/b"), "and so has b");
    Attr chmodded = file("id-l", 0600, 3, 3);
    cache.put("/a", chmodded);
    assertEquals(chmodded, cache.fresh("/c"), "chmod through one name");
    assertEquals(1, cache.fresh("/other").nlink(), "another file is left alone");
  }

  @Test
  void aNameDroppedTakesTheFilesOtherNamesAlong() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    cache.put("/c", file("id-c", 0644, 1, 1));
    cache.remove("/a"); // written, chmodded ... through a: b's ctime changed as well
    assertNull(cache.any("/b"));
    assertEquals(1, cache.fresh("/c").nlink());
  }

  @Test
  void aFileSeenWithOneLinkLeftHasNoOtherNames() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 1, 2)); // rm a, then b looked up
    assertNull(cache.any("/a"));
    assertEquals(1, cache.fresh("/b").nlink());
  }

  @Test
  void aNameGoneWhoseFileIsNotKnownTakesEveryLinkedFileAlong() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    cache.put("/c", file("id-c", 0644, 1, 1));
    cache.put("/d", DIR);
    cache.forgetLinkedFiles(); // mv x b2 over a name not known here, which may have been one of a's
    assertNull(cache.any("/a"));
    assertNull(cache.any("/b"));
    assertEquals(1, cache.fresh("/c").nlink(), "a file with one name keeps what it has");
    assertEquals(DIR, cache.fresh("/d"));
  }

  @Test
  void aNameThatNowNamesAnotherFileLeavesTheFirstFilesNames() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    Attr other = file("id-new", 0644, 1, 5);
    cache.put("/b", other); // mv new b
    cache.put("/a", file("id-l", 0600, 2, 6));
    assertEquals(other, cache.fresh("/b"), "b is another file now");
  }

  @Test
  void aDirectoryShowsThisMountsChangesOfNamesAtOnceUntilTheBricksAnswer() {
    AttrCache cache = new AttrCache(TimeUnit.MINUTES.toNanos(1));
    Attr dir = new Attr("id-d", 2, Attr.S_IFDIR | 0755, 2, 0, 0, 0, 0, 10, 10, 10);
    cache.put("/d", dir);
    cache.changedIn("/d", 1, 50);
    Attr guessed = cache.fresh("/d");
    assertEquals(50, guessed.mtime());
    assertEquals(50, guessed.ctime());
    assertEquals(3, guessed.nlink(), "a subdirectory made");
    assertEquals(10, guessed.atime());
    Attr answered = new Attr("id-d", 2, Attr.S_IFDIR | 0755, 3, 0, 0, 0, 0, 10, 40, 40);
    cache.putDir("/d", answered);
    assertEquals(answered, cache.fresh("/d"), "the bricks' answer replaces a guess, whatever its clock said");
    cache.putDir("/d", new Attr("id-d", 2, Attr.S_IFDIR | 0755, 2, 0, 0, 0, 0, 10, 30, 30));
    assertEquals(answered, cache.fresh("/d"), "an answer that comes late does not replace a newer one");
    cache.changedIn("/unknown", 0, 60);
    assertNull(cache.any("/unknown"), "nothing is guessed for a directory not known");
  }

  @Test
  void pruneForgetsTheNamesOfExpiredFiles() {
    AttrCache cache = new AttrCache(0);
    cache.put("/a", file("id-l", 0644, 2, 1));
    cache.put("/b", file("id-l", 0644, 2, 1));
    cache.prune();
    assertNull(cache.any("/a"));
    cache.put("/c", file("id-l", 0644, 2, 1));
    assertNull(cache.any("/b"), "an expired name does not come back");
  }
}
