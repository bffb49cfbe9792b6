package dev.mortar.brick.storage.local;

import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;

/**
 * The libc calls a brick needs that neither Java nor jnr-posix offers: file-descriptor and no-follow forms that
 * save a brick the open and close Java's file attribute views make around every extended-attribute call. Loaded on
 * x86-64 Linux only (the flags used with them are that platform's); elsewhere {@link #LIBC} is null and callers take
 * the portable way. Errors: -1, and the errno as jnr-posix's {@code errno()} reads it.
 */
final class NativeLibC {
  private static final Logger LOG = Logger.getLogger(NativeLibC.class.getName());

  /** The calls, as libc declares them. */
  public interface Calls {
    int linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    int fsetxattr(int fd, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, byte[] value, long size);

    int sync_file_range(int fd, long offset, long nbytes, int flags);

    int ioctl(int fd, long request, int[] arg);
  }

  /** sync_file_range: start writing the range's dirty pages out, without waiting for them. */
  static final int SYNC_FILE_RANGE_WRITE = 2;
  /** open(2) flags, as x86-64 Linux numbers them. */
  static final int O_RDONLY = 0;
  static final int O_RDWR = 02;
  /** {@code __O_TMPFILE | O_DIRECTORY} (the value differs by architecture). */
  static final int O_TMPFILE_X86_64 = 020200000;
  static final int O_NOFOLLOW_X86_64 = 0400000;
  static final int O_DIRECTORY_X86_64 = 0200000;
  static final int O_CLOEXEC_X86_64 = 02000000;

  static final Calls LIBC = load();

  private NativeLibC() {}

  private static Calls load() {
    String arch = System.getProperty("os.arch");
    if (!System.getProperty("os.name", "").equals("Linux") || !("amd64".equals(arch) || "x86_64".equals(arch))) {
      return null;
    }
    try {
      return LibraryLoader.create(Calls.class).load("c");
    } catch (RuntimeException | LinkageError e) {
      LOG.info("libc not loaded for linkat/fsetxattr/lgetxattr/sync_file_range/ioctl (" + e
          + "): bricks use Java's file API only");
      return null;
    }
  }
}
