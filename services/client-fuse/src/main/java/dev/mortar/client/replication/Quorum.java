package dev.mortar.client.replication;

import dev.mortar.client.transport.BrickClient;
import dev.mortar.common.model.Volume;
import dev.mortar.common.model.VolumeOptions;
import java.util.Collection;

/**
 * Client-side quorum (GlusterFS's cluster.quorum-type): how many bricks of the replica set must take a change for
 * it to be acknowledged. Without it, the side of a network cut that cannot reach a majority goes on writing, and
 * the two sides end in split-brain; with it, that side's writes fail at once with EROFS.
 *
 * @param type  none, auto (more than half the bricks, or exactly half including the first) or fixed
 * @param count the bricks needed with fixed
 */
record Quorum(String type, int count) {
  static Quorum of(Volume v) {
    String count = VolumeOptions.effective(v, VolumeOptions.QUORUM_COUNT);
    return new Quorum(VolumeOptions.effective(v, VolumeOptions.QUORUM_TYPE),
        count.matches("\\d+") ? Integer.parseInt(count) : v.replica());
  }

  /** Are these bricks (of {@code total}) enough? */
  boolean met(Collection<BrickClient> live, int total) {
    return switch (type) {
      case "auto" -> live.size() * 2 > total
          || (live.size() * 2 == total && live.stream().anyMatch(b -> b.index() == 0));
      case "fixed" -> live.size() >= count;
      default -> !live.isEmpty();
    };
  }

  String describe(int live, int total) {
    return "quorum not met: " + live + " of " + total + " bricks reachable, cluster.quorum-type " + type
        + (type.equals("fixed") ? " needs " + count : " needs a majority") + "; writes are refused (EROFS) until"
        + " more bricks are back";
  }
}
