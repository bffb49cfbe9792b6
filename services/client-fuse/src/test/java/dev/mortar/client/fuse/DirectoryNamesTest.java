package dev.mortar.client.fuse;

import static dev.mortar.client.fuse.DirectoryNames.Known.ABSENT;
import static dev.mortar.client.fuse.DirectoryNames.Known.ASK;
import static dev.mortar.client.fuse.DirectoryNames.Known.LIST_AGAIN;
import static dev.mortar.client.fuse.DirectoryNames.Known.LIST_AGAIN_WITH_ATTRIBUTES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DirectoryNamesTest {
  private final DirectoryNames names = new DirectoryNames(TimeUnit.MILLISECONDS.toNanos(300));

  @Test
  void aNameMissingFromAFreshListingIsAbsentWithoutAsking() {
    assertEquals(ASK, names.lookup("/d/a"), "nothing known of /d yet");
    names.listed("/d", List.of("a", "b"), false, names.changes());
    assertEquals(ASK, names.lookup("/d/a"), "listed: the brick has its attributes");
    assertEquals(ABSENT, names.lookup("/d/new"));
    names.added("/d/new");
    assertEquals(ASK, names.lookup("/d/new"), "made by this client");
    names.removed("/d/a");
    assertEquals(ABSENT, names.lookup("/d/a"), "removed by this client");
    assertEquals(ASK, names.lookup("/other/x"));
  }

  @Test
  void theRootIsNeverAbsentFromItsOwnListing() throws Exception {
    // Was: the root looked up in its own listing, not found there, ENOENT; and listed again, absent again, for good.
    names.listed("/", List.of("a", "b"), true, names.changes());
    assertEquals(ASK, names.lookup("/"), "a listing of the root holds its names, not the root");
    assertEquals(ABSENT, names.lookup("/missing"));
    Thread.sleep(350);
    assertEquals(ASK, names.lookup("/"), "nor once the listing expired");
  }

  @Test
  void anExpiredListingIsListedAgainOnlyIfItSavedRequests() throws Exception {
    names.listed("/used", List.of(), false, names.changes());
    names.listed("/unused", List.of(), false, names.changes());
    assertEquals(ABSENT, names.lookup("/used/f1"));
    Thread.sleep(350);
    assertEquals(LIST_AGAIN, names.lookup("/used/f2"), "another client's new name shows after the cache time");
    assertEquals(ASK, names.lookup("/unused/f1"));
    assertEquals(ASK, names.lookup("/used/f2"), "until it is listed again, the brick is asked");
  }

  @Test
  void aListingWhoseAttributesAnsweredManyLookupsIsListedAgainWithThem() throws Exception {
    List<String> files = java.util.stream.IntStream.range(0, 400).mapToObj(i -> "f" + i).toList();
    names.listed("/busy", files, true, names.changes());
    names.listed("/idle", files, true, names.changes());
    names.listed("/bare", files, false, names.changes());
    for (int i = 0; i < 50; i++) { // one in eight of the names
      names.served("/busy/f" + i);
      names.served("/bare/f" + i);
    }
    for (int i = 0; i < 49; i++) {
      names.served("/idle/f" + i);
    }
    Thread.sleep(350);
    assertEquals(LIST_AGAIN_WITH_ATTRIBUTES, names.lookup("/busy/f399"), "cat * going through the files");
    assertEquals(ASK, names.lookup("/idle/f399"), "a few lookups: asked one by one");
    assertEquals(ASK, names.lookup("/bare/f399"), "a listing of names only holds no attributes");
  }

  @Test
  void aRemovedOrReplacedDirectoryTakesWhatWasKnownBelowItAlong() {
    names.listed("/d", List.of("sub"), false, names.changes());
    names.listed("/d/sub", List.of(), false, names.changes());
    names.listed("/d/sub/deeper", List.of(), false, names.changes());
    names.removed("/d/sub");
    assertEquals(ASK, names.lookup("/d/sub/x"));
    assertEquals(ASK, names.lookup("/d/sub/deeper/x"));
    assertEquals(ABSENT, names.lookup("/d/sub"));
  }

  @Test
  void hugeDirectoriesAreNotKept() {
    names.listed("/big", java.util.stream.IntStream.range(0, DirectoryNames.MAX_NAMES + 1).mapToObj(i -> "f" + i)
        .toList(), false, names.changes());
    assertEquals(ASK, names.lookup("/big/nope"));
  }

  @Test
  void aListingThatRanAcrossAChangeOfThisClientIsNotKept() {
    long since = names.changes();
    names.removed("/d/gone"); // an unlink acknowledged while the bricks were still listing the name
    assertFalse(names.listed("/d", List.of("gone"), true, since), "the caller drops the attributes it cached");
    assertEquals(ASK, names.lookup("/d/gone"), "not answered from that listing");

    since = names.changes();
    names.added("/e/new"); // made while the bricks were listing without it
    assertFalse(names.listed("/e", List.of(), false, since));
    assertEquals(ASK, names.lookup("/e/new"), "not absent for a listing that missed it");

    since = names.changes();
    assertTrue(names.listed("/e", List.of("new"), false, since));
    names.added("/e/newer"); // after the listing is in place: it is added to it
    assertEquals(ASK, names.lookup("/e/newer"));
    assertEquals(ABSENT, names.lookup("/e/other"));
  }

  @Test
  void aDirectoryMadeHereIsKnownEmpty() {
    names.made("/fresh");
    assertEquals(ABSENT, names.lookup("/fresh/x"));
  }
}
