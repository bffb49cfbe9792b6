package dev.mortar.client.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UnsentCreateTest {
  private final UnsentCreate create = new UnsentCreate(new NewEntry(1000, 100, "id"), 0640, false);

  @Test
  void statSaysWhatTheFileWillBe() {
    create.data.appendBuffer(Buffer.buffer(new byte[600]));
    Attr a = create.attr();
    assertEquals("id", a.gfid());
    assertEquals(Attr.S_IFREG | 0640, a.mode());
    assertEquals(1000, a.uid());
    assertEquals(100, a.gid());
    assertEquals(600, a.size());
    assertEquals(2, a.blocks(), "512-byte blocks, rounded up");
  }

  @Test
  void onlyWritesThatContinueItsDataWithinAGatherGoWithTheCreate() {
    assertTrue(create.takes(0, 10));
    assertFalse(create.takes(5, 10), "a hole");
    create.data.appendBuffer(Buffer.buffer(new byte[10]));
    assertTrue(create.takes(10, 10));
    assertFalse(create.takes(10, WriteBehind.GATHER_BYTES), "more than a gather");
  }

  @Test
  void onlyTheFirstCloseWithNothingWrittenKeepsTheCreate() {
    assertTrue(create.keptAtClose(), "a shell's redirect closes the first descriptor before it writes");
    assertFalse(create.keptAtClose(), "the second close sends it");

    UnsentCreate written = new UnsentCreate(new NewEntry(0, 0, "id2"), 0644, true);
    written.data.appendBuffer(Buffer.buffer("x"));
    assertFalse(written.keptAtClose());
  }
}
