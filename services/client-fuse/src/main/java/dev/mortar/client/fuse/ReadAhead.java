package dev.mortar.client.fuse;

import dev.mortar.common.config.ClientTunables;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Read-ahead for one open file. The kernel reads a file 128 KiB at a time; a sequential reader here gets a window
 * of {@link #WINDOW} bytes per brick request instead, and the next window is fetched while it reads the current
 * one. A random read fetches only what was asked. Windows older than {@link #FRESH_NANOS} are fetched again, so a
 * change made by another client shows within a second; this client's own writes drop the windows at once.
 */
final class ReadAhead {
  static final int WINDOW = ClientTunables.READ_AHEAD_BYTES.getInt();
  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A blocking read of one range from a good copy. */
  interface Fetch {
    Buffer read(String path, long offset, int size);
  }

  private record Window(long start, Future<Buffer> data, long fetchedAt) {
    boolean covers(long offset) {
      return offset >= start && offset < start + WINDOW;
    }
  }

  private final Fetch fetch;
  private final Vertx vertx;
  private final List<Window> windows = new ArrayList<>(2);
  private long nextOffset;
  /** The file's name at the last read: the kernel renames a file unlinked while open, and reads go there. */
  private String path;

  ReadAhead(Fetch fetch, Vertx vertx) {
    this.fetch = fetch;
    this.vertx = vertx;
  }

  /** Blocking: FUSE threads only. Reads of one handle take turns; all but the first are served from memory. */
  synchronized Buffer read(String path, long offset, int size) {
    if (!path.equals(this.path)) {
      windows.clear();
      this.path = path;
    }
    boolean sequential = offset == nextOffset;
    nextOffset = offset + size;
    long now = System.nanoTime();
    windows.removeIf(w -> now - w.fetchedAt() > FRESH_NANOS || w.start() + WINDOW <= offset && sequential);
    Window w = windows.stream().filter(x -> x.covers(offset)).findFirst().orElse(null);
    if (w == null) {
      if (!sequential) {
        windows.clear();
        return fetch.read(path, offset, size);
      }
      w = new Window(offset, Future.succeededFuture(fetch.read(path, offset, Math.max(size, WINDOW))), now);
      windows.add(w);
    }
    Buffer b;
    try {
      b = w.data().toCompletionStage().toCompletableFuture().get();
    } catch (Exception failed) { // the prefetch failed: this read asks for itself, and says why if it fails too
      windows.remove(w);
      return fetch.read(path, offset, size);
    }
    int from = (int) (offset - w.start());
    boolean atEnd = b.length() < WINDOW;
    if (from + size > b.length() && !atEnd) { // straddles two windows: rare, the kernel reads aligned blocks
      return fetch.read(path, offset, size);
    }
    Buffer out = from >= b.length() ? Buffer.buffer() : b.slice(from, Math.min(b.length(), from + size));
    long next = w.start() + WINDOW;
    if (!atEnd && windows.stream().noneMatch(x -> x.start() == next)) {
      windows.add(new Window(next, vertx.executeBlocking(() -> fetch.read(path, next, WINDOW), false), now));
    }
    return out;
  }

  /** This client changed the file: what was read ahead is no longer what the bricks hold. */
  synchronized void invalidate() {
    windows.clear();
  }
}
