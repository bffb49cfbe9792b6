package dev.mortar.brick.storage;

import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.api.Requests;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** The input checks every brick storage applies the same way, so that each refuses bad input with the same errno. */
public final class BrickNames {
  public static final int MAX_NAME_BYTES = VolumePaths.MAX_NAME_BYTES;
  public static final int MAX_READ = 16 << 20;
  public static final int MAX_XATTR_VALUE = 64 << 10;
  public static final String RESERVED_XATTR_PREFIX = "user.mortar.";

  private BrickNames() {}

  /** See {@link VolumePaths#components}: the checks a mount makes too. */
  public static List<String> components(String path) {
    return VolumePaths.components(path);
  }

  /** The private metadata directory does not exist as far as a lookup can tell. */
  public static BrickException hiddenAsMissing(BrickException e, String path) {
    return e.errno() == Errno.EACCES ? new BrickException(Errno.ENOENT, path + ": no such file or directory") : e;
  }

  /** The namespaces of {@link XattrNames}, and never Mortar's own attributes. */
  public static void checkXattrName(String name) {
    if (!XattrNames.supported(name)) {
      throw new BrickException(Errno.EOPNOTSUPP, name + ": only user.*, trusted.*, security.* and POSIX ACL"
          + " extended attributes are supported");
    }
    if (name.startsWith(RESERVED_XATTR_PREFIX)) {
      throw new BrickException(Errno.EACCES, name + " is reserved for Mortar's replication metadata");
    }
  }

  public static void checkXattrValue(String name, int length) {
    if (length > MAX_XATTR_VALUE) {
      throw new BrickException(Errno.ERANGE, name + ": values are limited to " + MAX_XATTR_VALUE + " bytes");
    }
  }

  /**
   * Only a regular file can be opened, read or written: EISDIR for a directory, ELOOP for a symlink, EINVAL for a
   * FIFO, socket or device node.
   */
  public static void checkOpenable(String path, Attr a) {
    if (a.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (a.isSymlink()) {
      throw new BrickException(Errno.ELOOP, path + ": is a symbolic link");
    }
    if (a.isSpecial()) {
      throw notData(path);
    }
  }

  /**
   * A FIFO, socket or device node has no data on a brick: what flows through one is the kernel's business on the
   * host that opens it, and a brick opening one would wait for a FIFO's writer or reach a device of its own host.
   */
  public static BrickException notData(String path) {
    return new BrickException(Errno.EINVAL, path + ": a FIFO, socket or device node has no data on a brick");
  }

  /**
   * What MKNOD makes: a FIFO, a socket or a device node (EINVAL for any other type). Returns the device number it
   * keeps: {@code rdev} for a device, 0 for the others (as stat(2) shows them).
   */
  public static long checkSpecial(String path, int mode, long rdev) {
    if (!Attr.isSpecial(mode)) {
      throw new BrickException(Errno.EINVAL, path + ": mknod makes FIFOs, sockets and device nodes, not type 0"
          + Integer.toOctalString(mode & Attr.S_IFMT));
    }
    return Attr.isDevice(mode) ? rdev : 0;
  }

  /** setxattr's XATTR_CREATE and XATTR_REPLACE. */
  public static void checkXattrFlags(String path, String name, boolean exists, int flags) {
    if ((flags & Requests.SetXattr.CREATE) != 0 && exists) {
      throw new BrickException(Errno.EEXIST, path + ": " + name + " already exists");
    }
    if ((flags & Requests.SetXattr.REPLACE) != 0 && !exists) {
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
  }

  public static void checkRead(String path, long offset, int size) {
    if (offset < 0 || size < 0 || size > MAX_READ) {
      throw new BrickException(Errno.EINVAL, path + ": read of " + size + " bytes at " + offset + " is not valid");
    }
  }

  public static void checkSymlinkTarget(String path, String target) {
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0
        || target.getBytes(StandardCharsets.UTF_8).length > VolumePaths.MAX_PATH_BYTES) {
      throw new BrickException(Errno.EINVAL, path + ": a symlink target must be 1 to 4096 bytes without NUL");
    }
  }

  /** The file ID the client chose, checked, or a new one. */
  public static String fileId(String gfid) {
    try {
      return gfid == null ? UUID.randomUUID().toString() : UUID.fromString(gfid).toString();
    } catch (IllegalArgumentException e) {
      throw new BrickException(Errno.EINVAL, "'" + gfid + "' is not a file ID (a UUID)");
    }
  }
}
