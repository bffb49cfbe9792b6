package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.acl.XattrNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.api.Requests;
import io.vertx.core.buffer.Buffer;

/**
 * What a new file or directory inherits from its directory's default ACL (POSIX.1e): the mount gets the mode the
 * program asked for and the umask apart (FUSE_CAP_DONT_MASK), because the umask applies only where the directory
 * has no default ACL. A new directory also takes the default ACL as its own.
 */
final class NewFileAcls {
  /** A new entry's mode, and the ACLs to give it once it is made (null: none). */
  record Plan(int mode, PosixAcl access, PosixAcl defaults) {
    boolean hasAcls() {
      return access != null || defaults != null;
    }
  }

  private final ReplicaSet rs;
  private final Namespace ns;
  private final XattrCache xattrs;

  NewFileAcls(ReplicaSet rs, Namespace ns, XattrCache xattrs) {
    this.rs = rs;
    this.ns = ns;
    this.xattrs = xattrs;
  }

  /** @param typeAndMode the file type bits and the mode asked for */
  Plan plan(String path, int typeAndMode, int umask) {
    String dir = MortarPaths.parent(path);
    PosixAcl dflt = xattrs.defaults(dir, ns.lookup(dir));
    if (dflt == null) {
      return new Plan(typeAndMode & ~umask & 07777, null, null);
    }
    PosixAcl.Inherited in = dflt.inherit(typeAndMode);
    boolean isDir = (typeAndMode & Attr.S_IFMT) == Attr.S_IFDIR;
    return new Plan(in.mode() & 07777, in.access(), isDir ? dflt : null);
  }

  /**
   * Gives the entry just made at {@code path} the ACLs of its plan, and remembers them (a new directory's files ask
   * for its default ACL).
   */
  void apply(String path, Plan plan) {
    String gfid = ns.lookup(path).gfid();
    if (plan.defaults() != null) {
      set(path, XattrNames.ACL_DEFAULT, plan.defaults());
    }
    if (plan.access() != null) {
      set(path, XattrNames.ACL_ACCESS, plan.access());
    }
    if (plan.hasAcls()) {
      ns.invalidate(path);
    }
    xattrs.known(gfid, XattrNames.ACL_ACCESS, plan.access());
    xattrs.known(gfid, XattrNames.ACL_DEFAULT, plan.defaults());
  }

  private void set(String path, String name, PosixAcl acl) {
    rs.write(new Requests.SetXattr(path, name, 0, Buffer.buffer(acl.toBytes())), path);
  }
}
