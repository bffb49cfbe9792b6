package dev.mortar.client.local;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.ffi.Pointer;

/**
 * One handle's short-circuit reads ({@link LocalBrickFiles}): the brick's file is opened once and read straight into
 * the kernel's buffer, so a sequential read costs one pread per FUSE request and the local file system's own
 * read-ahead works for it. Opened again at another name (the kernel renames a file unlinked while open), and where
 * the file at its path is another one (heal replaced the copy) when checked, every second: as cached attributes, a
 * change shows within a second. Reads run in parallel (the kernel reads ahead with several requests at once);
 * opening and closing wait for them.
 */
public final class LocalReader {
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private LocalBrickFiles files;
  private LocalBrickFiles.Opened opened;
  private volatile long checkedAt;

  /** The bytes read from the brick directory {@code from} (whose root is {@code rootId}) into {@code buf}, or -1. */
  public long read(LocalBrickFiles from, String rootId, String path, Pointer buf, long size, long offset) {
    lock.readLock().lock();
    try {
      if (opened != null && files == from && opened.path().equals(path)
          && System.nanoTime() - checkedAt <= RECHECK_NANOS) {
        return from.read(opened, buf, size, offset);
      }
    } finally {
      lock.readLock().unlock();
    }
    lock.writeLock().lock();
    try {
      long now = System.nanoTime();
      if (opened != null && (files != from || !opened.path().equals(path)
          || now - checkedAt > RECHECK_NANOS && !from.stillAt(opened))) {
        close();
      }
      if (opened == null) {
        opened = from.open(rootId, path);
        files = from;
        if (opened == null) {
          return -1;
        }
      }
      checkedAt = now; // still that file: kept open, so that its read-ahead goes on
      return from.read(opened, buf, size, offset);
    } finally {
      lock.writeLock().unlock();
    }
  }

  public void close() {
    lock.writeLock().lock();
    try {
      if (opened != null) {
        files.close(opened);
        opened = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
