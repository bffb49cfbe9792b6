package dev.mortar.client.fuse;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The mount's open files, by the handle number the kernel passes back; each follows its name through renames. */
final class OpenFiles {
  private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
  private final AtomicLong handles = new AtomicLong(1);
  private final String clientId;

  OpenFiles(String clientId) {
    this.clientId = clientId;
  }

  OpenFile open(OpenFile.Shared shared, String path, boolean append) {
    long fh = handles.getAndIncrement();
    OpenFile of = new OpenFile(shared, path, append, clientId + "/" + fh, fh);
    files.put(fh, of);
    return of;
  }

  /** The open file of handle {@code fh}, or null. */
  OpenFile get(long fh) {
    return files.get(fh);
  }

  OpenFile remove(long fh) {
    return files.remove(fh);
  }

  /** This client changed {@code path}: what every handle on it read ahead is dropped. */
  void invalidateReads(String path) {
    files.values().stream().filter(f -> f.name.equals(path)).forEach(f -> f.reads.invalidate());
  }

  /** Writes of every handle on this file are on the bricks before its attributes are read. */
  void drainWritesTo(String path) {
    for (OpenFile of : files.values()) {
      if (of.name.equals(path)) {
        of.drainWrites();
      }
    }
  }

  /**
   * The names written through a handle since {@code nanos} ({@link System#nanoTime}), or whose writes are still on
   * their way to the bricks: a listing made meanwhile may show them as they were.
   */
  Set<String> writtenSince(long nanos) {
    Set<String> out = new HashSet<>();
    for (OpenFile f : files.values()) {
      if (f.lastWrite - nanos >= 0 || f.writes.pending()) {
        out.add(f.name);
      }
    }
    return out;
  }

  /** Write-behind data goes to the name it was written under: on the bricks before that name goes away. */
  void drainWritesAtOrBelow(String path) {
    files.values().stream().filter(f -> Namespace.atOrBelow(f.name, path)).forEach(OpenFile::drainWrites);
  }

  /** {@code from} was renamed to {@code to}: reads and stat of the new name see the handles' later writes. */
  void renamed(String from, String to) {
    for (OpenFile f : files.values()) {
      if (Namespace.atOrBelow(f.name, from)) {
        f.name = to + f.name.substring(from.length());
      }
    }
  }
}
