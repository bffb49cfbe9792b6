package dev.mortar.client.fuse;

import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * Extended attributes, kept on every brick's copy, as on ext4: {@code user.*} (reading them needs read permission,
 * changing them write permission), {@code trusted.*} (root's alone: another caller neither sees nor sets them),
 * {@code security.*} and the POSIX ACLs (the kernel checks who may set those). Those last two are answered from the
 * {@link XattrCache}: the kernel asks for {@code security.capability} before every write, and {@code ls -l} for the
 * ACL and the security label of every file it lists.
 */
final class Xattrs {
  private final ReplicaSet rs;
  private final Namespace ns;
  private final UnsentCreates creates;
  private final XattrCache cache;
  private final Permissions perms;

  Xattrs(ReplicaSet rs, Namespace ns, UnsentCreates creates, XattrCache cache, Permissions perms) {
    this.rs = rs;
    this.ns = ns;
    this.creates = creates;
    this.cache = cache;
    this.perms = perms;
  }

  /** Refuses what {@code c} may not do with attribute {@code name} of {@code path}. */
  private void allow(Caller c, String path, String name, boolean write) {
    if (!XattrNames.supported(name)) {
      // "Not supported" rather than "not set": programs then stop asking for such attributes on this mount.
      throw new BrickException(Errno.EOPNOTSUPP, name + ": not a user.*, trusted.*, security.* or ACL attribute");
    }
    if (XattrNames.isTrusted(name) && !c.root()) {
      throw write ? new BrickException(Errno.EPERM, name + ": trusted.* attributes are root's")
          : new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    if (XattrNames.isUser(name)) {
      perms.check(c, path, write ? Permissions.WRITE : Permissions.READ);
    } else {
      perms.search(c, path);
    }
  }

  void set(Caller c, String path, String name, Pointer value, long size, int flags) {
    ns.writable(path);
    ns.settle(path);
    allow(c, path, name, true);
    byte[] v = new byte[(int) size];
    value.get(0, v, 0, v.length);
    Attr before = ns.lookup(path);
    rs.write(new Requests.SetXattr(path, name, flags, Buffer.buffer(v)), path);
    changed(path, name, before);
  }

  /** Drops what was cached of attribute {@code name}; an access ACL changes the mode too (its mask). */
  private void changed(String path, String name, Attr before) {
    cache.forget(before, name);
    if (name.equals(XattrNames.ACL_ACCESS)) {
      ns.invalidate(path);
    }
  }

  /** The value's length; copied to {@code value} unless {@code size} is 0 (the caller asks how large it is). */
  int get(Caller c, String path, String name, Pointer value, long size) {
    if (creates.has(path) && XattrNames.supported(name)) {
      // A new file not made on the bricks yet has no attribute (one with an inherited ACL is made at once): the
      // security.capability query before its first write must not send its create ahead of its bytes.
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
    allow(c, path, name, false);
    ns.settle(path);
    byte[] v = XattrCache.cached(name) ? cache.value(path, ns.lookup(path), name)
        : rs.read(new Requests.GetXattr(path, name), path).data().getBytes();
    if (v == null) {
      throw new BrickException(Errno.ENODATA, path + ": " + name + " is not set");
    }
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
  int list(Caller c, String path, Pointer list, long size) {
    perms.search(c, path);
    ns.settle(path);
    StringBuilder sb = new StringBuilder();
    rs.read(new Requests.ListXattr(path), path).names().stream()
        .filter(n -> c.root() || !XattrNames.isTrusted(n)).forEach(n -> sb.append(n).append('\0'));
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

  void remove(Caller c, String path, String name) {
    ns.writable(path);
    ns.settle(path);
    allow(c, path, name, true);
    Attr before = ns.lookup(path);
    ns.change(path, new Requests.RemoveXattr(path, name), path);
    changed(path, name, before);
  }
}
