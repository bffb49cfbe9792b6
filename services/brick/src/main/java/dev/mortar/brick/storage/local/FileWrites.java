package dev.mortar.brick.storage.local;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.logging.Logger;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * How data is written into a file of a brick directory, by the brick's WRITE and by a mount that writes a write
 * session's data into the brick directory on its own host: all of it at the offset (pwrite), or none of what it
 * added: a write that fails part way (a full disk) takes back what fitted, so that it grows the file by nothing (the
 * other copies may have taken another part, or none, and none of them is blamed; shrinking needs no room). A write
 * of {@link BrickOp#WRITEBACK_NOW_BYTES} or more starts its pages' writeback at once (sync_file_range): a stream of
 * big writes then reaches the disk while it is being sent, instead of at the kernel's dirty threshold or its 30 s
 * expiry, and the program's fsync at its end has little left to wait for.
 */
public final class FileWrites {
  private static final Logger LOG = Logger.getLogger(FileWrites.class.getName());
  /** EDQUOT: out of quota is out of room, as far as a program is told. */
  private static final int EDQUOT = 122;
  private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
  private static volatile boolean writebackHints = true;

  private FileWrites() {}

  /** Whether {@link #write(int, long, Buffer, String)} can be called here (libc is loaded). */
  public static boolean available() {
    return LibC.CALLS != null && POSIX.isNative();
  }

  /**
   * Writes {@code data} at {@code offset} of the file open for writing as {@code fd}, by the rule above.
   *
   * @param what names the file in the error, e.g. its volume path
   * @throws BrickException with the errno of the write (ENOSPC for a full disk or quota)
   */
  public static void write(int fd, long offset, Buffer data, String what) {
    LibC.Calls libc = LibC.CALLS;
    write(new Target<BrickException>() {
      @Override
      public long size() {
        return libc.lseek(fd, 0, LibC.SEEK_END);
      }

      @Override
      public long write(ByteBuffer buf, long at) {
        long n = libc.pwrite(fd, buf, buf.remaining(), at);
        if (n < 0) {
          int errno = POSIX.errno();
          throw new BrickException(errno == EDQUOT ? Errno.ENOSPC : Errno.of(errno), what + ": write failed (errno "
              + errno + ")");
        }
        buf.position(buf.position() + (int) n);
        return n;
      }

      @Override
      public void truncate(long size) {
        libc.ftruncate(fd, size);
      }

      @Override
      public void writeback(long from, long length) {
        if (writebackHints) {
          try {
            libc.sync_file_range(fd, from, length, LibC.SYNC_FILE_RANGE_WRITE); // a hint: its failure is harmless
          } catch (LinkageError e) { // a libc without it: writeback is left to the kernel
            writebackHints = false;
            LOG.info("sync_file_range is not available (" + e + "): large writes reach the disk at the kernel's pace");
          }
        }
      }
    }, offset, data, what);
  }

  /** The same rule through Java's file API, where libc is not at hand; no writeback hint. */
  static void write(FileChannel ch, long offset, Buffer data, String what) throws IOException {
    write(new Target<IOException>() {
      @Override
      public long size() throws IOException {
        return ch.size();
      }

      @Override
      public long write(ByteBuffer buf, long at) throws IOException {
        return ch.write(buf, at);
      }

      @Override
      public void truncate(long size) throws IOException {
        ch.truncate(size);
      }

      @Override
      public void writeback(long from, long length) {
      }
    }, offset, data, what);
  }

  /** A file open for writing; each call fails with {@code E}. */
  private interface Target<E extends Exception> {
    /** Its size now, or negative if that cannot be told (then nothing is rolled back). */
    long size() throws E;

    /** Writes from {@code buf} at {@code at}, advancing it: the bytes written. */
    long write(ByteBuffer buf, long at) throws E;

    void truncate(long size) throws E;

    void writeback(long from, long length);
  }

  private static <E extends Exception> void write(Target<E> f, long offset, Buffer data, String what) throws E {
    if (offset < 0) {
      throw new BrickException(Errno.EINVAL, what + ": negative offset");
    }
    ByteBuffer buf = ((BufferInternal) data).getByteBuf().nioBuffer();
    long sizeBefore = f.size();
    long at = offset;
    try {
      while (buf.hasRemaining()) {
        long n = f.write(buf, at);
        if (n == 0) { // not for a regular file with room: never spin on it
          throw new BrickException(Errno.EIO, what + ": the write wrote nothing");
        }
        at += n;
      }
    } catch (Exception e) { // E or a BrickException: what fitted grows nothing
      if (at > sizeBefore && sizeBefore >= 0) {
        try {
          f.truncate(sizeBefore);
        } catch (Exception notShrunk) {
          e.addSuppressed(notShrunk);
        }
      }
      throw e;
    }
    if (data.length() >= BrickOp.WRITEBACK_NOW_BYTES) {
      f.writeback(offset, data.length());
    }
  }
}
