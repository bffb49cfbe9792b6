package dev.mortar.healer;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Ends a split-brain without losing a write. A policy picks the copy that becomes the file; every other version of a
 * file is kept beside it as {@code NAME.conflict-HOST-yyyyMMdd-HHmmss} (the losing brick's host and the time of its
 * last change), a file like any other, on every brick. Directories are merged: every name of every side stays.
 * Then the blames are rewritten so that the winner is the one source, and ordinary heal makes every copy like it.
 * Runs under the file's lock, on a worker thread.
 */
final class SplitBrainResolver {
  private static final Logger LOG = Logger.getLogger(SplitBrainResolver.class.getName());
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  /** How the winner is picked: the volume's {@code cluster.favorite-child-policy}, or a person's choice. */
  enum Policy {
    SIZE("No bigger file."), MTIME("No difference in mtime."), CTIME("No difference in ctime."),
    MAJORITY("No majority."), SOURCE_BRICK("The source brick has no copy of the file.");

    /** GlusterFS's words when the policy cannot choose. */
    final String undecided;

    Policy(String undecided) {
      this.undecided = undecided;
    }

    /** The volume option's value; empty for {@code none}. */
    static Optional<Policy> ofOption(String value) {
      return value.equals("none") ? Optional.empty() : Optional.of(valueOf(value.toUpperCase()));
    }
  }

  /** The policy cannot choose; the message is GlusterFS's. */
  static final class Undecided extends RuntimeException {
    Undecided(String message) {
      super(message);
    }
  }

  private final BrickCalls bricks;
  private final FileHealer.DataCopier copier;

  SplitBrainResolver(BrickCalls bricks, FileHealer.DataCopier copier) {
    this.bricks = bricks;
    this.copier = copier;
  }

  /** The winner, and the entries a directory merge made, to be healed next. */
  record Resolved(int winner, List<String> next) {}

  /**
   * Picks the winner of {@code path} among the copies, keeps the losing versions as conflict copies, and makes the
   * winner the only source.
   *
   * @param strict a person asked: fail when the policy cannot tell the copies apart (as GlusterFS does) rather than
   *               fall back to the next criterion
   * @param chosen the brick a person chose, for {@link Policy#SOURCE_BRICK}
   */
  Resolved resolve(String path, FileHealer.Copies c, Policy policy, boolean strict, Integer chosen) {
    List<Integer> candidates = c.metas().keySet().stream().filter(b -> !bricks.arbiter(b)).sorted().toList();
    if (candidates.isEmpty()) {
      throw new Undecided("No data brick with a copy is online.");
    }
    int winner = pick(c, candidates, policy, strict, chosen);
    Attr won = c.attrs().get(winner);
    List<String> next = new ArrayList<>();
    for (int loser : candidates) {
      if (loser == winner) {
        continue;
      }
      if (won.isDirectory()) {
        next.addAll(mergeInto(loser, winner, path));
      } else if (won.isRegularFile() && !sameData(path, winner, loser, c)) {
        keepConflictCopy(path, loser, c);
      }
    }
    // The winner blames everyone else; nobody blames the winner.
    for (int b : c.metas().keySet()) {
      long blamesWinner = c.metas().get(b).pending().getOrDefault(winner, 0L);
      if (b != winner && blamesWinner > 0) {
        bricks.blame(b, path, Map.of(winner, -blamesWinner));
      }
    }
    Map<Integer, Long> add = new HashMap<>();
    c.metas().keySet().stream().filter(b -> b != winner && c.metas().get(winner).pending().getOrDefault(b, 0L) == 0)
        .forEach(b -> add.put(b, 1L));
    if (!add.isEmpty()) {
      bricks.blame(winner, path, add);
    }
    LOG.info(bricks.volume.name() + ":" + path + ": split-brain resolved (" + policy.name().toLowerCase()
        + "): the copy on " + bricks.name(winner) + " wins");
    return new Resolved(winner, next);
  }

  private int pick(FileHealer.Copies c, List<Integer> candidates, Policy policy, boolean strict, Integer chosen) {
    if (policy == Policy.SOURCE_BRICK) {
      if (chosen == null || !candidates.contains(chosen)) {
        throw new Undecided(policy.undecided);
      }
      return chosen;
    }
    Map<Integer, Long> blamedBy = new HashMap<>();
    c.metas().values().forEach(m -> m.pending().forEach((b, n) -> {
      if (n > 0) {
        blamedBy.merge(b, 1L, Long::sum);
      }
    }));
    List<Comparator<Integer>> order = new ArrayList<>();
    Comparator<Integer> size = Comparator.comparingLong(b -> c.attrs().get(b).size());
    Comparator<Integer> mtime = Comparator.comparingLong(b -> c.attrs().get(b).mtime());
    Comparator<Integer> ctime = Comparator.comparingLong(b -> c.attrs().get(b).ctime());
    Comparator<Integer> majority = Comparator.comparingLong(b -> -blamedBy.getOrDefault(b, 0L));
    switch (policy) {
      case SIZE -> order.addAll(List.of(size, mtime));
      case MTIME -> order.addAll(List.of(mtime, size));
      case CTIME -> order.addAll(List.of(ctime, mtime, size));
      case MAJORITY -> order.addAll(List.of(majority, mtime, size));
      default -> throw new IllegalStateException();
    }
    List<Comparator<Integer>> use = strict ? order.subList(0, 1) : order;
    Comparator<Integer> all = use.stream().reduce(Comparator::thenComparing).orElseThrow();
    int best = candidates.stream().max(all.thenComparing(Comparator.reverseOrder())).orElseThrow();
    if (strict && candidates.stream().filter(b -> all.compare(b, best) == 0).count() > 1) {
      throw new Undecided(policy.undecided);
    }
    return best;
  }

  private boolean sameData(String path, int a, int b, FileHealer.Copies c) {
    if (c.attrs().get(a).size() != c.attrs().get(b).size()) {
      return false;
    }
    for (long off = 0; off < c.attrs().get(a).size(); off += FileHealer.WINDOW) {
      if (!Objects.equals(bricks.checksum(a, path, off, FileHealer.WINDOW),
          bricks.checksum(b, path, off, FileHealer.WINDOW))) {
        return false;
      }
    }
    return true;
  }

  /** The losing version, as a new file beside the winner on every brick that answers. */
  private void keepConflictCopy(String path, int loser, FileHealer.Copies c) {
    Attr lost = c.attrs().get(loser);
    String base = path + ".conflict-" + bricks.volume.bricks().get(loser).host() + "-"
        + STAMP.format(Instant.ofEpochSecond(0, lost.mtime()));
    String name = base;
    for (int n = 1; exists(name); n++) {
      name = base + "-" + n;
    }
    String copyPath = name;
    String gfid = UUID.randomUUID().toString();
    List<Integer> made = new ArrayList<>();
    for (int b = 0; b < bricks.size(); b++) {
      if (!c.reachable(b)) {
        continue;
      }
      bricks.call(b, new Requests.Create(copyPath, lost.mode() & 07777, lost.uid(), lost.gid(), gfid, true, 0, null,
          0, Buffer.buffer()));
      if (!bricks.arbiter(b)) {
        copier.copy(loser, b, path, copyPath, lost.size());
      }
      bricks.call(b, new Requests.Utimens(copyPath, lost.atime(), lost.mtime()));
      made.add(b);
    }
    Map<Integer, Long> away = new HashMap<>();
    for (int b = 0; b < bricks.size(); b++) {
      if (!made.contains(b)) {
        away.put(b, 1L);
      }
    }
    if (!away.isEmpty()) { // a brick that is away gets the conflict copy from heal when it is back
      String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
      made.forEach(b -> bricks.blame(b, parent, away));
    }
    LOG.warning(bricks.volume.name() + ":" + path + ": the version on " + bricks.name(loser) + " lost the"
        + " split-brain and is kept as " + copyPath + "; delete it once you have looked at it");
  }

  private boolean exists(String path) {
    for (int b = 0; b < bricks.size(); b++) {
      try {
        bricks.lookup(b, path);
        return true;
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTCONN) {
          throw e;
        }
      }
    }
    return false;
  }

  /**
   * A directory in split-brain: every name the loser has and the winner lacks is made on the winner (marked dirty,
   * filled by heal), so that the winner holds every name of both sides and heal deletes nothing. A name that both
   * have for different files keeps the winner's file; the loser's is renamed on its brick to a conflict name
   * first, and merged as such.
   */
  private List<String> mergeInto(int loser, int winner, String dir) {
    List<String> made = new ArrayList<>();
    Map<String, Attr> have = bricks.listing(winner, dir);
    for (Map.Entry<String, Attr> e : bricks.listing(loser, dir).entrySet()) {
      String child = VolumePaths.child(dir, e.getKey());
      Attr theirs = e.getValue();
      Attr ours = have.get(e.getKey());
      if (ours != null && Objects.equals(ours.gfid(), theirs.gfid())) {
        continue;
      }
      if (ours != null) {
        String renamed = child + ".conflict-" + bricks.volume.bricks().get(loser).host() + "-"
            + STAMP.format(Instant.ofEpochSecond(0, theirs.mtime()));
        bricks.call(loser, new Requests.Rename(child, renamed));
        child = renamed;
      }
      String entry = child;
      if (theirs.isSymlink()) {
        String target = bricks.call(loser, new Requests.Readlink(entry)).target();
        bricks.call(winner, new Requests.Symlink(entry, target, -1, -1, theirs.gfid()));
        continue;
      }
      bricks.await(winner, bricks.sendMake(winner, entry, theirs, 0));
      // The loser's copy is the only one with content: it blames the winner's new, empty one.
      bricks.blame(loser, entry, Map.of(winner, 1L));
      made.add(entry);
    }
    return made;
  }

  /** A person's choice of policy, by GlusterFS's CLI word. */
  static Policy ofCommand(String word) {
    return switch (word) {
      case "bigger-file" -> Policy.SIZE;
      case "latest-mtime" -> Policy.MTIME;
      case "source-brick" -> Policy.SOURCE_BRICK;
      default -> throw new IllegalArgumentException("unknown split-brain policy " + word);
    };
  }
}
