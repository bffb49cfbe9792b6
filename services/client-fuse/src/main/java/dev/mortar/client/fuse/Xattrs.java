package dev.mortar.client.fuse;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/** Extended attributes: only user.* ones, kept on every brick's copy. */
final class Xattrs {
  private final ReplicaSet rs;
  private final Namespace ns;

  Xattrs(ReplicaSet rs, Namespace ns) {
    this.rs = rs;
    this.ns = ns;
  }

  void set(String path, String name, Pointer value, long size, int flags) {
    ns.writable(path);
    ns.settle(path);
    byte[] v = new byte[(int) size];
    value.get(0, v, 0, v.length);
    rs.write(new Requests.SetXattr(path, name, flags, Buffer.buffer(v)), path);
  }

  /** The value's length; copied to {@code value} unless {@code size} is 0 (the caller asks how large it is). */
  int get(String path, String name, Pointer value, long size) {
    if (!name.startsWith("user.")) {
      // Only user.* attributes exist here (setxattr says so too). "Not supported" rather than "not set": `ls -l`
      // then stops asking for the SELinux label and ACL of every file on this mount, two calls per file.
      throw new BrickException(Errno.EOPNOTSUPP, name + ": only user.* extended attributes are supported");
    }
    ns.settle(path);
    byte[] v = rs.read(new Requests.GetXattr(path, name), path).data().getBytes();
    if (size == 0) {
      return v.length;
    }
    if (v.length > size) {
      throw new BrickException(Errno.ERANGE, name + ": value larger than the buffer");
    }
    value.put(0, v, 0, v.length);
    return v.length;
  }

  /** The names' length, each ended by a NUL; copied to {@code list} unless {@code size} is 0. */
  int list(String path, Pointer list, long size) {
    ns.settle(path);
    StringBuilder sb = new StringBuilder();
    rs.read(new Requests.ListXattr(path), path).names().forEach(n -> sb.append(n).append('\0'));
    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (size == 0) {
      return b.length;
    }
    if (b.length > size) {
      throw new BrickException(Errno.ERANGE, "attribute names larger than the buffer");
    }
    list.put(0, b, 0, b.length);
    return b.length;
  }

  void remove(String path, String name) {
    ns.writable(path);
    ns.settle(path);
    ns.change(path, new Requests.RemoveXattr(path, name), path);
  }
}
