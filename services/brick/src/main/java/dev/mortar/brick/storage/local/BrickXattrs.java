package dev.mortar.brick.storage.local;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.posix.POSIX;

/**
 * The extended attributes of brick files, kept as the files' own (as GlusterFS keeps them), so that the brick's
 * filesystem applies its rules: no {@code user.*} ones on a symbolic link, an access ACL that sets the mode's group
 * bits and follows chmod, an ACL that says no more than the mode not kept. Mortar's own ({@code user.mortar.*}) are
 * neither listed nor settable.
 */
final class BrickXattrs {
  private final BrickPaths paths;
  private final POSIX posix;

  BrickXattrs(BrickPaths paths, POSIX posix) {
    this.paths = paths;
    this.posix = posix;
  }

  private String file(String path, String name) {
    if (name != null) {
      BrickNames.checkXattrName(name);
    }
    if (LibC.CALLS == null) {
      throw new BrickException(Errno.EOPNOTSUPP, path + ": extended attributes need libc's xattr calls");
    }
    return paths.resolve(path).toString();
  }

  Buffer get(String path, String name) {
    String f = file(path, name);
    while (true) {
      long size = check(LibC.CALLS.lgetxattr(f, name, null, 0), path, name);
      byte[] v = new byte[(int) size];
      long n = LibC.CALLS.lgetxattr(f, name, v, v.length);
      if (n >= 0 || posix.errno() != Errno.ERANGE.code) { // ERANGE: it grew in between
        return Buffer.buffer(Arrays.copyOf(v, (int) check(n, path, name)));
      }
    }
  }

  void set(String path, String name, Buffer value, int flags) {
    BrickNames.checkXattrValue(name, value.length());
    byte[] v = value.getBytes();
    check(LibC.CALLS.lsetxattr(file(path, name), name, v, v.length, flags), path, name);
  }

  List<String> list(String path) {
    String f = file(path, null);
    byte[] b;
    long n;
    do { // a list that grew between the two calls answers ERANGE
      b = new byte[(int) check(LibC.CALLS.llistxattr(f, null, 0), path, null)];
      n = LibC.CALLS.llistxattr(f, b, b.length);
    } while (n < 0 && posix.errno() == Errno.ERANGE.code);
    check(n, path, null);
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (b[i] == 0) {
        String name = new String(b, start, i - start, StandardCharsets.UTF_8);
        if (XattrNames.supported(name) && !name.startsWith(BrickNames.RESERVED_XATTR_PREFIX)) {
          out.add(name);
        }
        start = i + 1;
      }
    }
    return out;
  }

  void remove(String path, String name) {
    check(LibC.CALLS.lremovexattr(file(path, name), name), path, name);
  }

  private long check(long result, String path, String name) {
    if (result >= 0) {
      return result;
    }
    Errno e = Errno.of(posix.errno());
    throw new BrickException(e, path + (name == null ? "" : " [" + name + "]") + ": " + e.name());
  }
}
