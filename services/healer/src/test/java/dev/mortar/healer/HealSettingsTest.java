package dev.mortar.healer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.common.model.Brick;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import dev.mortar.common.model.VolumeStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealSettingsTest {
  private static Volume volume(Map<String, String> options) {
    return new Volume("v", "id", VolumeStatus.Started, 2, 0, "tcp",
        List.of(new Brick("n1", "/b", "u1", false), new Brick("n2", "/b", "u2", false)), options);
  }

  @Test
  void defaultsHealInTheBackgroundInParallel() {
    assertEquals(new HealSettings(true, Duration.ofSeconds(60), 8), HealSettings.of(volume(Map.of())));
  }

  @Test
  void optionsSetWithVolumeSetAreUsed() {
    HealSettings s = HealSettings.of(volume(Map.of(VolumeOptions.SELF_HEAL_DAEMON, "off",
        VolumeOptions.HEAL_TIMEOUT, "5", VolumeOptions.SHD_MAX_THREADS, "2")));
    assertEquals(new HealSettings(false, Duration.ofSeconds(5), 2), s);
  }
}
