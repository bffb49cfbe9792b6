package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jnr.posix.POSIX;

/** The data of brick files: read, written by the rule of {@link FileWrites}, truncated, synced. */
final class FileData {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final BrickPaths paths;
  private final FileAttributes attributes;
  private final POSIX posix;

  FileData(BrickPaths paths, FileAttributes attributes, POSIX posix) {
    this.paths = paths;
    this.attributes = attributes;
    this.posix = posix;
  }

  Attr open(String path) {
    Attr a = attributes.of(paths.resolve(path), path);
    BrickNames.checkOpenable(path, a);
    return a;
  }

  Buffer read(String path, long offset, int size) {
    BrickNames.checkRead(path, offset, size);
    Path p = paths.resolve(path);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, Math.max(0, ch.size() - offset)));
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      buf.flip();
      return BufferInternal.buffer(Unpooled.wrappedBuffer(buf));
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }

  /** Writes as a mount on this host writes into the brick directory itself: {@link FileWrites}. */
  Attr write(String path, long offset, Buffer data) {
    if (offset < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative offset");
    }
    Path p = paths.resolve(path);
    if (LibC.X86_64 != null && FileWrites.available()) {
      // Non-blocking and checked on the descriptor itself: a FIFO or device node renamed over the name meanwhile is
      // refused, never waited on nor written.
      int fd = posix.open(p.toString(), LibC.O_WRONLY | LibC.O_NOFOLLOW_X86_64 | LibC.O_CLOEXEC_X86_64
          | LibC.O_NONBLOCK_X86_64 | LibC.O_NOCTTY_X86_64, 0);
      if (fd < 0) {
        int errno = posix.errno();
        if (errno == LibC.ENXIO || errno == LibC.ENODEV) { // a FIFO without a reader, a device without a driver
          throw BrickNames.notData(path);
        }
        Errno e = Errno.of(errno);
        throw new BrickException(e, path + ": cannot open it for writing (" + e.name() + ", errno " + errno + ")");
      }
      try {
        if (!posix.fstat(fd).isFile()) {
          throw BrickNames.notData(path);
        }
        FileWrites.write(fd, offset, data, path);
      } finally {
        posix.close(fd);
      }
    } else {
      BrickNames.checkOpenable(path, attributes.of(p, path)); // Java's open would wait for a FIFO's other end
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, NOFOLLOW)) {
        FileWrites.write(ch, offset, data, path);
      } catch (IOException e) {
        throw IoErrors.map(e, path);
      }
    }
    return attributes.of(p, path);
  }

  Attr truncate(String path, long size) {
    if (size < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative size");
    }
    Path p = paths.resolve(path);
    Attr a = attributes.of(p, path);
    if (a.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (a.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": is a symbolic link");
    }
    if (a.isSpecial()) {
      throw BrickNames.notData(path);
    }
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size); // ftruncate: grows sparse, shrinks
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
    return attributes.of(p, path);
  }

  void fsync(String path, boolean dataOnly) {
    Path p = paths.resolve(path);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
      ch.force(!dataOnly);
    } catch (IOException e) {
      throw IoErrors.map(e, path);
    }
  }
}
