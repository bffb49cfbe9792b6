package dev.mortar.client.fuse;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.ArrayBlockingQueue;
import jnr.ffi.Pointer;

/**
 * Sequential writes of one handle, acknowledged and gathered into one brick request. Each write is copied once, from
 * the kernel's buffer straight into the gather's array, and the request sends a view of that array: no array per
 * write, and the kernel's 128 KiB writes fill a 1 MiB gather without growing it.
 */
final class WriteGather {
  /** The bytes of one write: in the kernel's buffer, or in an array. */
  interface Bytes {
    int size();

    void copyTo(byte[] dst, int at);

    /** A copy of its own (the kernel's buffer is reused once the write is answered). */
    default Buffer buffer() {
      byte[] b = new byte[size()];
      copyTo(b, 0);
      return Buffer.buffer(b);
    }

    static Bytes of(Pointer buf, int size) {
      return new Bytes() {
        public int size() {
          return size;
        }

        public void copyTo(byte[] dst, int at) {
          buf.get(0, dst, at, size);
        }
      };
    }

    static Bytes of(byte[] bytes) {
      return new Bytes() {
        public int size() {
          return bytes.length;
        }

        public void copyTo(byte[] dst, int at) {
          System.arraycopy(bytes, 0, dst, at, bytes.length);
        }

        public Buffer buffer() {
          return Buffer.buffer(bytes);
        }
      };
    }
  }

  /**
   * Arrays of full gathers, given back once every brick took their request. A new 1 MiB array is zeroed before it is
   * used, on the FUSE thread that the program's write waits for: a quarter of a gather's cost.
   */
  static final class Spares {
    private final int size;
    private final ArrayBlockingQueue<byte[]> arrays;

    Spares(int size, int count) {
      this.size = size;
      this.arrays = new ArrayBlockingQueue<>(count);
    }

    byte[] take() {
      byte[] a = arrays.poll();
      return a != null ? a : new byte[size];
    }

    void give(byte[] a) {
      if (a != null && a.length == size) {
        arrays.offer(a); // or left to the collector when there are enough
      }
    }
  }

  /** The name the writes go to (a file unlinked while open is renamed by the kernel, and written there). */
  final String path;
  final long start;
  private final int max;
  private final Spares spares;
  private byte[] bytes;
  private int length;

  /**
   * Room for eight writes like the first from the start (the kernel's 128 KiB writes fill a 1 MiB gather without
   * growing it, in a spare array); a gather of small writes grows as they come, so that a short session does not
   * zero a large array. At most as many bytes as the spares' arrays hold.
   */
  WriteGather(String path, long start, int firstSize, Spares spares) {
    this.path = path;
    this.start = start;
    this.spares = spares;
    this.max = spares.size;
    int room = (int) Math.min(max, Math.max(firstSize, 8L * firstSize));
    this.bytes = room == max ? spares.take() : new byte[room];
  }

  /** Does a write of {@code size} bytes at {@code offset} of {@code path} continue this gather, and fit? */
  boolean continuedBy(String path, long offset, int size) {
    return offset == end() && length + size <= max && path.equals(this.path);
  }

  void add(Bytes b) {
    if (length + b.size() > bytes.length) {
      bytes = java.util.Arrays.copyOf(bytes, Math.min(max, Math.max(2 * bytes.length, length + b.size())));
    }
    b.copyTo(bytes, length);
    length += b.size();
  }

  boolean overlaps(long from, long to) {
    return start < to && from < end();
  }

  boolean full() {
    return length >= max;
  }

  long end() {
    return start + length;
  }

  /** What was gathered, as the request's data: a view of the array, which is not written to until recycled. */
  Buffer data() {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 0, length));
  }

  /** Gives its array to the next gather: only once nothing reads the request's data any more (every brick took it). */
  void recycle() {
    spares.give(bytes);
    bytes = null;
  }
}
