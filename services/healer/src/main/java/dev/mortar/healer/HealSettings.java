package dev.mortar.healer;

import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import java.time.Duration;

/**
 * The self-heal service's settings for one volume, read from its options: whether it heals in the background
 * ({@code cluster.self-heal-daemon}), how often it sweeps the heal index ({@code cluster.heal-timeout}) and how
 * many files it heals at once per brick ({@code cluster.shd-max-threads}), the bound that keeps healing from
 * starving clients.
 */
public record HealSettings(boolean enabled, Duration sweepInterval, int parallelFiles) {
  public static HealSettings of(Volume v) {
    return new HealSettings(
        "on".equals(VolumeOptions.effective(v, VolumeOptions.SELF_HEAL_DAEMON)),
        Duration.ofSeconds(Long.parseLong(VolumeOptions.effective(v, VolumeOptions.HEAL_TIMEOUT))),
        Integer.parseInt(VolumeOptions.effective(v, VolumeOptions.SHD_MAX_THREADS)));
  }
}
