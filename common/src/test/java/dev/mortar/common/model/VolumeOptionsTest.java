package dev.mortar.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.ErrorCode;
import dev.mortar.common.api.MortarException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeOptionsTest {
  private static Volume volume(int replica, int arbiter, Map<String, String> options) {
    List<Brick> bricks = new java.util.ArrayList<>();
    for (int i = 0; i < replica; i++) {
      bricks.add(new Brick("n" + i, "/b", "u" + i, arbiter == 1 && i == replica - 1));
    }
    return new Volume("v", "id", VolumeStatus.Created, replica, arbiter, "tcp", bricks, options);
  }

  @Test
  void quorumDefaultsLikeGluster() {
    assertEquals("none", VolumeOptions.effective(volume(2, 0, Map.of()), VolumeOptions.QUORUM_TYPE));
    assertEquals("auto", VolumeOptions.effective(volume(3, 0, Map.of()), VolumeOptions.QUORUM_TYPE));
    assertEquals("auto", VolumeOptions.effective(volume(3, 1, Map.of()), VolumeOptions.QUORUM_TYPE));
    assertEquals("fixed", VolumeOptions.effective(volume(2, 0, Map.of(VolumeOptions.QUORUM_TYPE, "fixed")),
        VolumeOptions.QUORUM_TYPE));
  }

  @Test
  void valuesAreCheckedAndNormalised() {
    assertEquals("on", VolumeOptions.require(VolumeOptions.SELF_HEAL_DAEMON).normalise("Enable"));
    assertEquals("off", VolumeOptions.require(VolumeOptions.SELF_HEAL_DAEMON).normalise("no"));
    assertEquals("auto", VolumeOptions.require(VolumeOptions.QUORUM_TYPE).normalise(" AUTO "));
    assertEquals("5", VolumeOptions.require(VolumeOptions.PING_TIMEOUT).normalise("5"));
    MortarException bad = assertThrows(MortarException.class,
        () -> VolumeOptions.require(VolumeOptions.QUORUM_TYPE).normalise("sometimes"));
    assertEquals(ErrorCode.BAD_REQUEST, bad.code());
    assertTrue(bad.getMessage().contains("none, auto, fixed"));
    assertTrue(assertThrows(MortarException.class,
        () -> VolumeOptions.require(VolumeOptions.PING_TIMEOUT).normalise("0")).getMessage().contains("1 to"));
    assertThrows(MortarException.class, () -> VolumeOptions.require(VolumeOptions.PING_TIMEOUT).normalise("soon"));
    assertThrows(MortarException.class, () -> VolumeOptions.require(VolumeOptions.WRITE_BEHIND).normalise("maybe"));
  }

  @Test
  void unknownKeyIsNotFound() {
    MortarException e = assertThrows(MortarException.class, () -> VolumeOptions.require("cluster.nonsense"));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
  }

  @Test
  void volumeJsonRoundTrips() {
    Volume v = volume(3, 1, Map.of(VolumeOptions.PING_TIMEOUT, "5"));
    Volume back = Volume.fromJson(v.toJson());
    assertEquals(v, back);
    assertEquals("1 x (2 + 1) = 3", back.toJson().getString("brickCount"));
  }

  @Test
  void poolStateJsonRoundTrips() {
    PoolState s = new PoolState("p", 7, List.of(new Peer("u1", "n1", 24007, 24008)),
        List.of(volume(2, 0, Map.of())));
    assertEquals(s, PoolState.fromJson(s.toJson()));
  }
}
