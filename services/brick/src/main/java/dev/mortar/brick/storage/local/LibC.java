package dev.mortar.brick.storage.local;

import java.nio.ByteBuffer;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The libc calls that neither Java nor jnr-posix offers, for a brick and for a client that reads and writes a brick
 * directory on its own host: file-descriptor and no-follow forms that save the open and close Java's file attribute
 * views make around every extended-attribute call, pread into native memory and pwrite from a buffer without copying
 * it back, sync_file_range, mknod. One binding, loaded once per process. Errors: -1, and the errno as jnr-posix's
 * {@code errno()} reads it.
 */
public final class LibC {
  private static final Logger LOG = Logger.getLogger(LibC.class.getName());

  /** The calls, as libc declares them. */
  public interface Calls {
    int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    int fsetxattr(int fd, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, byte[] value, long size);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    long llistxattr(String path, byte[] list, long size);

    int lremovexattr(String path, String name);

    int sync_file_range(int fd, long offset, long nbytes, int flags);

    int ioctl(int fd, long request, int[] arg);

    long pread(int fd, Pointer buf, long count, long offset);

    long pwrite(int fd, @In ByteBuffer buf, long count, long offset);

    long lseek(int fd, long offset, int whence);

    int ftruncate(int fd, long length);

    /** The exported {@code mknod} of glibc 2.33 and later, {@code dev} a 64-bit dev_t. */
    int mknod(String path, int mode, long dev);
  }

  /** sync_file_range: start writing the range's dirty pages out, without waiting for them. */
  static final int SYNC_FILE_RANGE_WRITE = 2;
  static final int SEEK_END = 2;
  /** open(2) flags, as x86-64 Linux numbers them. */
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 01;
  static final int O_RDWR = 02;
  /** {@code __O_TMPFILE | O_DIRECTORY} (the value differs by architecture). */
  static final int O_TMPFILE_X86_64 = 020200000;
  static final int O_NOFOLLOW_X86_64 = 0400000;
  static final int O_DIRECTORY_X86_64 = 0200000;
  static final int O_CLOEXEC_X86_64 = 02000000;
  static final int O_NONBLOCK_X86_64 = 04000;
  static final int O_NOCTTY_X86_64 = 0400;
  /** Raw errnos an open of a FIFO or device gives, which {@code Errno} does not name. */
  static final int ENXIO = 6;
  static final int ENODEV = 19;

  /** The calls wherever libc can be loaded; null elsewhere (then callers take the portable way). */
  public static final Calls CALLS = load();

  /**
   * {@link #CALLS} on x86-64 Linux only, for the brick's calls that pass the flag values above (or that it made
   * with them); null elsewhere, where the brick uses Java's file API only.
   */
  static final Calls X86_64 = isX86_64Linux() ? CALLS : null;

  private LibC() {}

  private static boolean isX86_64Linux() {
    String arch = System.getProperty("os.arch");
    return System.getProperty("os.name", "").equals("Linux") && ("amd64".equals(arch) || "x86_64".equals(arch));
  }

  private static Calls load() {
    try {
      return LibraryLoader.create(Calls.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      LOG.info("libc not loaded for linkat/xattrs/pread/pwrite/sync_file_range/ioctl/mknod (" + e
          + "): bricks use Java's file API only, and a mount reads and writes through its bricks");
      return null;
    }
  }
}
