package dev.mortar.healer;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.VolumePaths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@code volume heal VOL full}: for bricks that were replaced or wiped, where no blame records what they lack. Walks
 * every directory on every reachable brick and turns each difference into a blame, which the ordinary heal then
 * repairs: entries some bricks lack (only added, never deleted: a crawl cannot tell a deletion from a creation),
 * files whose data differ (the most complete copy wins). Blocking: runs on a worker thread.
 */
final class FullCrawl {
  private static final Logger LOG = Logger.getLogger(FullCrawl.class.getName());

  private final BrickCalls bricks;
  private final Consumer<List<String>> healAll;
  private int differences;

  /** @param healAll heals the paths given (and whatever their entry heals make), returning when done */
  FullCrawl(BrickCalls bricks, Consumer<List<String>> healAll) {
    this.bricks = bricks;
    this.healAll = healAll;
  }

  /** @return how many differences were found and handed to heal */
  int run() {
    crawl("/");
    return differences;
  }

  private void crawl(String dir) {
    Map<Integer, Map<String, Attr>> lists = listings(dir);
    if (lists.size() < 2) {
      return; // nothing to compare with
    }
    TreeSet<String> names = new TreeSet<>();
    lists.values().forEach(l -> names.addAll(l.keySet()));
    List<Integer> complete = lists.keySet().stream().filter(b -> lists.get(b).keySet().containsAll(names)).toList();
    if (complete.size() < lists.size()) {
      if (complete.isEmpty()) {
        LOG.warning(bricks.volume.name() + ":" + dir + ": each brick has entries the others lack; not merged by the"
            + " full heal (see 'volume heal " + bricks.volume.name() + " info split-brain')");
      } else {
        Map<Integer, Long> lacking = new HashMap<>();
        lists.keySet().stream().filter(b -> !complete.contains(b)).forEach(b -> lacking.put(b, 1L));
        complete.forEach(b -> bricks.blame(b, dir, lacking));
        differences++;
        healAll.accept(List.of(dir));
      }
    }
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      String child = VolumePaths.child(dir, name);
      Map<Integer, Attr> copies = new HashMap<>();
      lists.forEach((b, l) -> {
        if (l.containsKey(name)) {
          copies.put(b, l.get(name));
        }
      });
      Attr any = copies.values().iterator().next();
      if (copies.values().stream().map(Attr::gfid).distinct().count() > 1) {
        LOG.warning(bricks.volume.name() + ":" + child + " has different file IDs on different bricks; left alone");
      } else if (any.isDirectory()) {
        crawl(child);
      } else if (any.isRegularFile() && copies.size() == lists.size() && blameDiffering(child, copies)) {
        differing.add(child);
      }
    }
    differences += differing.size();
    if (!differing.isEmpty()) {
      healAll.accept(differing);
    }
  }

  private Map<Integer, Map<String, Attr>> listings(String dir) {
    Map<Integer, Map<String, Attr>> lists = new HashMap<>();
    for (int b = 0; b < bricks.size(); b++) {
      try {
        lists.put(b, bricks.listing(b, dir));
      } catch (BrickException e) {
        if (e.errno() != Errno.ENOTCONN && e.errno() != Errno.ENOENT) {
          throw e;
        }
      }
    }
    return lists;
  }

  /** If the data copies differ, blames the others on the most complete one; true if it did. */
  private boolean blameDiffering(String path, Map<Integer, Attr> copies) {
    List<Integer> data = copies.keySet().stream().filter(b -> !bricks.arbiter(b)).sorted().toList();
    if (data.size() < 2 || same(path, data, copies)) {
      return false;
    }
    Map<Integer, FileMeta> metas = new HashMap<>();
    data.forEach(b -> metas.put(b, bricks.meta(b, path)));
    int source = data.stream().max(Comparator.comparing((Integer b) -> metas.get(b).dirty() == 0)
        .thenComparingLong(b -> metas.get(b).dataVersion()).thenComparingLong(b -> copies.get(b).size())
        .thenComparingLong(b -> copies.get(b).mtime())).orElseThrow();
    Map<Integer, Long> others = new HashMap<>();
    copies.keySet().stream().filter(b -> b != source).forEach(b -> others.put(b, 1L));
    bricks.blame(source, path, others);
    return true;
  }

  private boolean same(String path, List<Integer> data, Map<Integer, Attr> copies) {
    if (data.stream().map(b -> copies.get(b).size()).distinct().count() > 1) {
      return false;
    }
    long size = copies.get(data.get(0)).size();
    for (long off = 0; off < size; off += FileHealer.WINDOW) {
      long at = off;
      if (data.stream().map(b -> bricks.checksum(b, path, at, FileHealer.WINDOW)).filter(Objects::nonNull)
          .distinct().count() > 1) {
        return false;
      }
    }
    return true;
  }
}
