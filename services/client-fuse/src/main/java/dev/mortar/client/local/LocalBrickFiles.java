package dev.mortar.client.local;

import io.micrometer.core.instrument.Counter;
import dev.mortar.brick.storage.local.FileWrites;
import dev.mortar.brick.storage.local.LibC;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;
import jnr.ffi.Pointer;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Short-circuit reads and writes (HDFS reads so too): where a brick of the mounted volume is a directory on this very
 * host, the client reads file data from it and writes a write session's data into it itself, instead of sending it
 * to the brick over the event bus. Reads only from the copy the client would have asked anyway (a good one); writes
 * only what the brick would have done with a plain pwrite (the dirty mark and the lock still go through the brick);
 * and only once the directory is proven to be the brick: the same device and inode as the brick reports for its
 * root. Anything unusual (a symbolic link on the way, a file replaced while opened, a directory, a failed open)
 * falls back to asking the brick, which answers as usual.
 */
public final class LocalBrickFiles {
  private static final Logger LOG = Logger.getLogger(LocalBrickFiles.class.getName());
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;

  /** A file of the brick opened here: its descriptor, and the volume path it was opened at. */
  record Opened(int fd, String path) {}

  /** pread(2) into native memory, which jnr-posix does not offer; null where libc cannot be loaded. */
  private static final LibC.Calls LIBC = LibC.CALLS;
  private static final String META_DIR = "/" + VolumePaths.META_DIR;

  private final POSIX posix = POSIXFactory.getNativePOSIX();
  private final Path root;
  private final Counter reads;
  private final Counter bytes;
  private final Counter writes;
  private final Counter bytesWritten;
  /**
   * Writes into the brick's files run here, off the FUSE threads and event loops that send them, one at a time:
   * a write session is a stream of gathered writes, which one thread keeps up with.
   */
  private final ExecutorService writer;
  /** The brick's root id this directory was checked against, and whether it matched. */
  private volatile String checkedId;
  private volatile boolean same;
  private volatile byte[] realRoot;

  public LocalBrickFiles(String brickPath, String brickName, MeterRegistry registry) {
    this.root = Path.of(brickPath);
    this.reads = counter("mortar_client_local_reads_total",
        "Reads served from a brick directory on this host without a brick request", brickName, registry);
    this.bytes = counter("mortar_client_local_read_bytes_total",
        "Bytes read from a brick directory on this host without a brick request", brickName, registry);
    this.writes = counter("mortar_client_local_writes_total",
        "Writes made in a brick directory on this host without sending the data to its brick", brickName, registry);
    this.bytesWritten = counter("mortar_client_local_write_bytes_total",
        "Bytes written in a brick directory on this host without sending them to its brick", brickName, registry);
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mortar-local-writes-" + brickName);
      t.setDaemon(true);
      return t;
    });
  }

  private static Counter counter(String name, String description, String brickName, MeterRegistry registry) {
    return Counter.builder(name).description(description).tag("brick", brickName).register(registry);
  }

  /**
   * The file at {@code path} of the brick directory, opened for reading and proven to be the one at exactly that
   * path under the brick (no link on the way led elsewhere); null if it is not (then ask the brick). Close it.
   */
  Opened open(String rootIdOfBrick, String path) {
    return open(rootIdOfBrick, path, O_RDONLY);
  }

  private Opened open(String rootIdOfBrick, String path, int access) {
    if (!isTheBrick(rootIdOfBrick) || path.equals("/") || path.equals(META_DIR) || path.startsWith(META_DIR + "/")) {
      return null;
    }
    int fd = posix.open(root + path, access | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      return null;
    }
    byte[] real = new byte[realRoot.length + path.getBytes(StandardCharsets.UTF_8).length + 1];
    int n = posix.readlink("/proc/self/fd/" + fd, real, real.length);
    byte[] want = (new String(realRoot, StandardCharsets.UTF_8) + path).getBytes(StandardCharsets.UTF_8);
    if (n != want.length || !Arrays.equals(real, 0, n, want, 0, n)) {
      posix.close(fd);
      return null;
    }
    return new Opened(fd, path);
  }

  /**
   * Reads into the kernel's own buffer of the FUSE request, without a copy through the Java heap: the bytes read
   * (short only at the end of the file), or -1: ask the brick (a directory, an I/O error: the brick says which).
   */
  long read(Opened f, Pointer buf, long size, long offset) {
    long got = LIBC == null ? -1 : LIBC.pread(f.fd(), buf, size, offset);
    if (got >= 0) {
      counted(got);
    }
    return got;
  }

  private void counted(long got) {
    reads.increment();
    bytes.increment(got);
  }

  /** The data at {@code offset} (shorter at the end of the file), or null: then ask the brick. */
  public Buffer read(String rootIdOfBrick, String path, long offset, int size) {
    Opened f = open(rootIdOfBrick, path);
    if (f == null) {
      return null;
    }
    try {
      FileStat st = posix.allocateStat();
      if (posix.fstat(f.fd(), st) != 0) {
        return null;
      }
      // Read-ahead asks for 2 MiB at once: a small file gets an array of its size, not one of 2 MiB to zero.
      byte[] data = new byte[(int) Math.max(0, Math.min(size, st.st_size() - offset))];
      long got = data.length == 0 ? 0 : posix.pread(f.fd(), data, data.length, offset); // short only at the end
      if (got < 0) {
        return null;
      }
      counted(got);
      return Buffer.buffer(got == data.length ? data : Arrays.copyOf(data, (int) got));
    } finally {
      close(f);
    }
  }

  /**
   * Writes {@code data} at {@code offset} of the brick's file at {@code path}, as the brick's WRITE does
   * ({@link FileWrites}), on this client's writer thread. Completes with true once written, with false
   * where the file cannot be opened as the brick's own at exactly that path (then send the write to the brick, which
   * answers as usual), or fails with the errno of the write (ENOSPC, EIO: the brick then missed it, and is blamed).
   */
  public Future<Boolean> write(String rootIdOfBrick, String path, long offset, Buffer data) {
    Promise<Boolean> done = Promise.promise();
    try {
      writer.execute(() -> {
        try {
          done.complete(writeNow(rootIdOfBrick, path, offset, data));
        } catch (BrickException e) {
          done.fail(e);
        } catch (RuntimeException | LinkageError e) {
          done.fail(new BrickException(Errno.EIO, path + ": write in the local brick directory failed: " + e));
        }
      });
    } catch (RejectedExecutionException e) {
      done.complete(false);
    }
    return done.future();
  }

  private boolean writeNow(String rootIdOfBrick, String path, long offset, Buffer data) {
    if (!FileWrites.available() || offset < 0) {
      return false;
    }
    Opened f = open(rootIdOfBrick, path, O_WRONLY);
    if (f == null) {
      return false;
    }
    try {
      FileWrites.write(f.fd(), offset, data, path + " (in the local brick directory " + root + ")");
    } finally {
      close(f);
    }
    writes.increment();
    bytesWritten.increment(data.length());
    return true;
  }

  /** Is {@code f} still the file at its path (heal may have replaced the copy since)? */
  boolean stillAt(Opened f) {
    FileStat there = posix.allocateStat();
    FileStat open = posix.allocateStat();
    return posix.lstat(root + f.path(), there) == 0 && posix.fstat(f.fd(), open) == 0
        && there.ino() == open.ino() && there.dev() == open.dev();
  }

  void close(Opened f) {
    posix.close(f.fd());
  }

  /** Is the directory at the brick's path on this host the brick (which reported {@code rootId})? */
  private boolean isTheBrick(String rootId) {
    if (rootId == null) {
      return false;
    }
    if (!rootId.equals(checkedId)) {
      boolean match = false;
      try {
        Map<String, Object> a = Files.readAttributes(root, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
        match = rootId.equals(a.get("dev") + ":" + a.get("ino"));
        realRoot = root.toRealPath().toString().getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        match = false;
      }
      same = match;
      checkedId = rootId;
      LOG.info(match ? "brick directory " + root + " is on this host: reading its files directly (and"
          + " writing them, if it is the volume's first brick on this host)"
          : "brick directory " + root + " is not this host's (another filesystem or container): reading through the brick");
    }
    return same;
  }
}
