package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import jnr.posix.POSIX;

/**
 * What a brick on local disk does with its FIFOs, sockets and device nodes (made by {@link Namespace#mknod}) without
 * opening them. An open of a FIFO waits for its other end and one of a device reaches a device of the brick's own
 * host, and Java's file API opens a file to change its mode: so their mode is changed by path here (chmod(2); their
 * times are set by path for every file, see {@link FileTimes}), and data operations on them are refused.
 */
final class SpecialFiles {

  private final BrickPaths paths;
  private final FileAttributes attributes;
  private final POSIX posix;

  SpecialFiles(BrickPaths paths, FileAttributes attributes, POSIX posix) {
    this.paths = paths;
    this.attributes = attributes;
    this.posix = posix;
  }

  /** Whether {@code path} names a FIFO, socket or device node; false if it names nothing (the caller says so). */
  boolean is(String path) {
    try {
      return Attr.isSpecial((Integer) Files.getAttribute(paths.resolve(path), "unix:mode", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | BrickException e) {
      return false;
    }
  }

  Attr chmod(String path, int mode) {
    Path p = paths.resolve(path);
    check(posix.chmod(p.toString(), mode & 07777), path, "cannot change its mode");
    return attributes.of(p, path);
  }

  /** Refuses data operations on a special file. */
  void refuseData(String path) {
    if (is(path)) {
      throw BrickNames.notData(path);
    }
  }

  private void check(int result, String path, String what) {
    if (result != 0) {
      Errno e = Errno.of(posix.errno());
      throw new BrickException(e, path + ": " + what + " (" + e.name() + ")");
    }
  }
}
