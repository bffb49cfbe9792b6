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
  private static final String RESERVED_XATTR_PREFIX = "user.mortar.";

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

  /** Only a regular file can be opened, read or written: EISDIR for a directory, ELOOP for a symlink. */
  public static void checkOpenable(String path, Attr a) {
    if (a.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (a.isSymlink()) {
      throw new BrickException(Errno.ELOOP, path + ": is a symbolic link");
    }
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
