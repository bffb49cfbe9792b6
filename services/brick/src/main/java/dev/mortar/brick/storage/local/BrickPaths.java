package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jnr.posix.POSIX;

/**
 * Volume paths resolved safely under the brick directory: never out of it, never into its private metadata
 * ({@code .mortar}), never through a symbolic link.
 */
final class BrickPaths {
  private final Path root;
  private final Path metaDir;
  private final POSIX posix;
  private final int checkedDirsMax;
  /**
   * Parent directories found free of symbolic links, with the {@link #dirGeneration} they were checked at. A
   * directory can only turn into a link (or move under one) by a rmdir or rename, which bump the generation first,
   * so a remembered check stays true until then and saves realpath's readlink of every component on every request.
   */
  private final Map<Path, Long> checkedDirs = new ConcurrentHashMap<>();
  private final AtomicLong dirGeneration = new AtomicLong();

  /**
   * @param root           the brick directory, a real path (no link in it)
   * @param checkedDirsMax checked parent directories remembered at most; past that the memory starts over
   */
  BrickPaths(Path root, POSIX posix, int checkedDirsMax) {
    this.root = root;
    this.metaDir = root.resolve(BrickDirectory.META_DIR);
    this.posix = posix;
    this.checkedDirsMax = checkedDirsMax;
  }

  Path root() {
    return root;
  }

  /** The brick's private metadata directory, {@code .mortar}. */
  Path metaDir() {
    return metaDir;
  }

  /**
   * The brick path for a volume path. Refuses what could leave the brick or touch its private metadata: relative
   * paths, '.', '..', NUL bytes, over-long names, and symbolic links among the parents (never followed here).
   */
  Path resolve(String path) {
    List<String> parts = BrickNames.components(path);
    if (parts.isEmpty()) {
      return root;
    }
    Path full = root.resolve(String.join("/", parts));
    Path parent = full.getParent();
    if (!parent.equals(root)) {
      long generation = dirGeneration.get();
      if (!Long.valueOf(generation).equals(checkedDirs.get(parent))) {
        Path real;
        try {
          real = parent.toRealPath();
        } catch (IOException e) {
          throw IoErrors.map(e, path);
        }
        if (!real.equals(parent)) {
          throw new BrickException(Errno.ELOOP, "'" + path + "' goes through a symbolic link; bricks never follow"
              + " them");
        }
        if (checkedDirs.size() >= checkedDirsMax) {
          checkedDirs.clear();
        }
        checkedDirs.put(parent, generation);
      }
    }
    return full;
  }

  /** Forgets every directory check: called before a rmdir or rename changes what a path names. */
  void directoriesChanging() {
    dirGeneration.incrementAndGet();
  }

  /** The volume path of a brick path (the inverse of {@link #resolve}). */
  String volumePath(Path p) {
    return p.equals(root) ? "/" : "/" + root.relativize(p);
  }

  /** A brick path as error messages name it: relative to the brick directory. */
  String describe(Path p) {
    return root.relativize(p).toString();
  }

  /** One lstat, without the exception Files.exists makes of a missing file. */
  boolean exists(Path p) {
    return posix.lstat(p.toString(), posix.allocateStat()) == 0;
  }
}
