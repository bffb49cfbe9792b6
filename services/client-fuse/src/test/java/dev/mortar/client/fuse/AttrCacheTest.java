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
}
