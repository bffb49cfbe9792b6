package dev.mortar.brick.storage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.FileMeta;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetaXattrTest {
  /** ext4 with 256-byte inodes keeps a value this long inside the inode; a longer one takes a 4 KiB block. */
  private static final int IN_INODE = 60;

  @Test
  void countersOfEitherSignAndAnyWidthComeBackAsTheyWere() {
    String id = UUID.randomUUID().toString();
    for (FileMeta m : new FileMeta[] {
        new FileMeta(id, 0, 0, 0, Map.of()),
        new FileMeta(id, 1, 5, 2, Map.of(1, 3L)),
        new FileMeta(id, 2, Long.MAX_VALUE, 1L << 40, Map.of(0, 1L, 2, 70_000L, 9, -1L))}) {
      assertEquals(m, MetaXattr.decode(MetaXattr.encode(m)));
    }
  }

  @Test
  void theUsualStatesFitInsideTheInode() {
    String id = UUID.randomUUID().toString();
    int clean = MetaXattr.encode(new FileMeta(id, 0, 123_456, 789, Map.of())).length;
    int blaming = MetaXattr.encode(new FileMeta(id, 1, 123_456, 789, Map.of(1, 40_000L))).length;
    assertTrue(clean <= IN_INODE && blaming <= IN_INODE, clean + " and " + blaming + " bytes");
  }

  @Test
  void theJsonFormOfEarlierBricksIsStillRead() {
    FileMeta m = new FileMeta(UUID.randomUUID().toString(), 1, 2, 3, Map.of(1, 4L));
    assertEquals(m, MetaXattr.decode(m.toJson().encode().getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void damagedMetadataIsRefusedNotMisread() {
    byte[] good = MetaXattr.encode(new FileMeta(UUID.randomUUID().toString(), 0, 1, 1, Map.of()));
    assertThrows(RuntimeException.class, () -> MetaXattr.decode(java.util.Arrays.copyOf(good, 10)));
    byte[] future = good.clone();
    future[0] = 7;
    assertThrows(IllegalArgumentException.class, () -> MetaXattr.decode(future));
  }
}
