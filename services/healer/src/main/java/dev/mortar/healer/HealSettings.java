package dev.mortar.healer;

import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import java.time.Duration;

/**
 * The self-heal service's settings for one volume, read from its options: whether it heals in the background
 * ({@code cluster.self-heal-daemon}), how long entries that could not be healed wait before they are tried again
 * when nothing happens meanwhile ({@code cluster.heal-timeout}; a returning brick or peer, a new entry or
 * {@code volume heal} retry them at once) and how many files it heals at once per brick
 * ({@code cluster.shd-max-threads}), the bound that keeps healing from starving clients.
 */
public record HealSettings(boolean enabled, Duration retryInterval, int parallelFiles) {
  public static HealSettings of(Volume v) {
    return new HealSettings(
        "on".equals(VolumeOptions.effective(v, VolumeOptions.SELF_HEAL_DAEMON)),
        Duration.ofSeconds(Long.parseLong(VolumeOptions.effective(v, VolumeOptions.HEAL_TIMEOUT))),
        Integer.parseInt(VolumeOptions.effective(v, VolumeOptions.SHD_MAX_THREADS)));
  }
}
