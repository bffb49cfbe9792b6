package dev.mortar.mgmt.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.model.Peer;
import dev.mortar.common.model.PoolState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir
  Path dir;

  @Test
  void uuidIsMadeOnceAndKept() throws IOException {
    String first;
    try (StateStore s = StateStore.open(dir)) {
      first = s.nodeUuid();
      assertEquals(first, s.nodeUuid());
    }
    try (StateStore s = StateStore.open(dir)) {
      assertEquals(first, s.nodeUuid(), "a restarted node keeps its UUID");
    }
  }

  @Test
  void poolStateSurvivesReopenAndLeavesNoTemporaryFile() throws IOException {
    PoolState state = PoolState.alone(new Peer("u1", "node1", 24007, 24008));
    try (StateStore s = StateStore.open(dir)) {
      assertTrue(s.loadPool().isEmpty());
      s.savePool(state);
      s.savePool(state.next(state.members(), state.volumes()));
    }
    try (StateStore s = StateStore.open(dir)) {
      PoolState loaded = s.loadPool().orElseThrow();
      assertEquals(state.poolId(), loaded.poolId());
      assertEquals(1, loaded.generation());
    }
    assertFalse(Files.exists(dir.resolve("pool.json.tmp")));
  }

  @Test
  void secondNodeOnTheSameDirectoryIsRefused() throws IOException {
    try (StateStore s = StateStore.open(dir)) {
      IOException e = assertThrows(IOException.class, () -> StateStore.open(dir));
      assertTrue(e.getMessage().contains("own --state-dir"), e.getMessage());
    }
  }

  @Test
  void damagedStateSaysHowToRecover() throws IOException {
    Files.writeString(dir.resolve("pool.json"), "{ not json");
    try (StateStore s = StateStore.open(dir)) {
      IOException e = assertThrows(IOException.class, s::loadPool);
      assertTrue(e.getMessage().contains("restore it from another peer"), e.getMessage());
    }
  }
}
