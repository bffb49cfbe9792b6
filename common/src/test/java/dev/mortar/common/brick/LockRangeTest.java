package dev.mortar.common.brick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.api.BrickCodec;
import dev.mortar.common.brick.api.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockRangeTest {
  private static LockRange w(long start, long end) {
    return new LockRange(start, end, true);
  }

  private static LockRange r(long start, long end) {
    return new LockRange(start, end, false);
  }

  @Test
  void readLocksShareAndWriteLocksExcludeWhereTheyOverlap() {
    assertFalse(r(0, 9).conflictsWith(r(5, 14)));
    assertTrue(r(0, 9).conflictsWith(w(9, 9)));
    assertTrue(w(0, Long.MAX_VALUE).conflictsWith(r(1L << 40, 1L << 40)));
    assertFalse(w(0, 9).conflictsWith(w(10, 19)), "adjacent ranges do not overlap");
  }

  @Test
  void aNewLockReplacesWhatTheOwnerHeldInItsRangeAndAnUnlockSplits() {
    List<LockRange> held = LockRange.apply(List.of(), w(0, 99), true);
    assertEquals(List.of(w(0, 99)), held);
    assertEquals(List.of(w(0, 9), w(20, 99)), LockRange.apply(held, w(10, 19), false), "unlocked in the middle");
    assertEquals(List.of(w(0, 9), w(20, 99), r(10, 19)), LockRange.apply(held, r(10, 19), true),
        "turned into a read lock in the middle");
    assertEquals(List.of(), LockRange.apply(held, w(0, Long.MAX_VALUE), false), "close(2) unlocks everything");
    assertEquals(held, LockRange.apply(held, w(200, 300), false), "unlocking what is not held changes nothing");
  }

  @Test
  void rangesAreCheckedAndKeptOnTheWire() {
    assertThrows(IllegalArgumentException.class, () -> w(-1, 5));
    assertThrows(IllegalArgumentException.class, () -> w(5, 4));
    List<LockRange> ranges = List.of(w(0, 9), r(10, Long.MAX_VALUE));
    Requests.RecordLocks sent = new Requests.RecordLocks("g", "o", 1_000, ranges);
    assertEquals(ranges, ((Requests.RecordLocks) BrickCodec.decodeRequest(BrickCodec.encodeRequest(sent))).ranges());
  }
}
