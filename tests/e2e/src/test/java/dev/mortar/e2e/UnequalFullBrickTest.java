package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * {@link FullBrickTest} with brick 2 smaller than brick 1: once brick 2 is full, writes go on to brick 1 with brick 2
 * recorded as needing heal (as GlusterFS's replication does), and that record is kept on a disk with no block left
 * for it. The mount reads back every byte that was acknowledged; a new file on the full bricks fails with ENOSPC, not
 * an I/O error.
 */
class UnequalFullBrickTest extends FullBrickTest {
  @Override
  String[] brickSizes() {
    return new String[] {"48m", "40m"};
  }

  @Override
  void checkCopiesWhenFull(long written) throws IOException {
    long onBrick1 = bricks.get(0).bytes("big").length;
    E2e.note("big on brick 1: " + onBrick1 + " bytes, on the smaller brick 2: " + bricks.get(1).bytes("big").length
        + " (with holes where it missed writes)");
    assertEquals(written, onBrick1, "brick 1 took every acknowledged write");
    assertFalse(Arrays.equals(bricks.get(0).bytes("big"), bricks.get(1).bytes("big")), "brick 2 filled up first");
    Cmd.Result heal = nodes.cli(1).run("volume", "heal", "small", "info");
    assertEquals(0, heal.exit(), heal::describe);
    assertTrue(heal.out().contains("/big"), "what brick 2 missed is marked for heal: " + heal.describe());
    byte[] expected = new byte[(int) written];
    Arrays.fill(expected, (byte) 'x');
    assertArrayEquals(expected, Files.readAllBytes(mount.dir.resolve("big")), "read back whole through the mount");
  }
}
