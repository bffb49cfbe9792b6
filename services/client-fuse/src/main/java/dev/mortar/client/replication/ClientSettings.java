package dev.mortar.client.replication;

import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;

/**
 * The volume options a mount follows, read again whenever the volume changes ({@code volume set}): a running mount
 * takes a new value at its next operation.
 *
 * @param writeBehind sequential writes acknowledged at once and sent gathered; off: each write waits for the bricks
 * @param readAhead sequential reads fetch the next window ahead
 * @param readOnly every change is refused with EROFS
 */
public record ClientSettings(boolean writeBehind, boolean readAhead, boolean readOnly) {
  static ClientSettings of(Volume v) {
    return new ClientSettings(on(v, VolumeOptions.WRITE_BEHIND), on(v, VolumeOptions.READ_AHEAD),
        on(v, VolumeOptions.READ_ONLY));
  }

  private static boolean on(Volume v, String key) {
    return "on".equals(VolumeOptions.effective(v, key));
  }
}
