package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import org.junit.jupiter.api.Test;

class InodeNumberTest {
  private static Attr attr(String gfid, long brickIno) {
    return new Attr(gfid, brickIno, Attr.S_IFREG | 0644, 1, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void theNumberComesFromTheFileIdNotFromTheBrickThatAnswered() {
    String id = "6f1c2a9e-0b7d-4c55-9a1e-3d2f8e7b6a50";
    assertEquals(MortarFs.inodeNumber(attr(id, 11)), MortarFs.inodeNumber(attr(id, 9042)), "two bricks, one file");
    assertNotEquals(MortarFs.inodeNumber(attr(id, 11)),
        MortarFs.inodeNumber(attr("6f1c2a9e-0b7d-4c55-9a1e-3d2f8e7b6a51", 11)), "another file");
    assertTrue(MortarFs.inodeNumber(attr("ffffffff-ffff-ffff-0000-000000000000", 5)) > 0, "never negative");
    assertEquals(1, MortarFs.inodeNumber(attr("00000000-0000-0000-0000-000000000001", 2)), "the root");
    assertEquals(77, MortarFs.inodeNumber(attr(null, 77)), "no file ID: the brick's number");
    assertEquals(78, MortarFs.inodeNumber(attr("not-an-id", 78)));
  }
}
