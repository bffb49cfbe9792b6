package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.UnlinksBehind;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.api.Requests;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import jnr.ffi.Pointer;

/**
 * The operations on names: directories made and removed, files unlinked, renamed and linked, symbolic links, FIFOs,
 * sockets and device nodes.
 */
final class Directories {
  private final ReplicaSet rs;
  private final Namespace ns;
  private final AttrCache attrs;
  private final DirectoryNames names;
  private final OpenFiles files;
  private final UnlinksBehind unlinksBehind;
  /** The owner and file ID of a new entry, from the calling process. */
  private final Supplier<NewEntry> newEntry;

  Directories(ReplicaSet rs, Namespace ns, AttrCache attrs, OpenFiles files, UnlinksBehind unlinksBehind,
              Supplier<NewEntry> newEntry) {
    this.rs = rs;
    this.ns = ns;
    this.attrs = attrs;
    this.names = ns.names();
    this.files = files;
    this.unlinksBehind = unlinksBehind;
    this.newEntry = newEntry;
  }

  void mkdir(String path, long mode) {
    ns.writable(path);
    ns.settle(path);
    NewEntry e = newEntry.get();
    ns.changeAttr(path, new Requests.Mkdir(path, (int) mode & 07777, e.uid(), e.gid(), e.gfid(), 0),
        MortarPaths.parent(path));
    names.added(path);
    names.made(path);
  }

  void rmdir(String path) {
    ns.writable(path);
    ns.settle(path);
    names.changing();
    ns.change(path, new Requests.Rmdir(path), MortarPaths.parent(path));
    attrs.forgetBelow(path);
    names.removed(path);
  }

  /**
   * Unlink-behind ({@link UnlinksBehind}), as CephFS's asynchronous directory operations: the unlink of a file known
   * here (attributes cached) is acknowledged once queued, with every brick of the replica set up, and the unlinks of
   * one directory go to the bricks together, so that {@code rm -rf} costs neither a round trip nor a request per
   * file. Whatever touches that name or its directory afterwards on this mount (a lookup, a listing, rmdir, a create
   * of the same name) waits for the bricks' answer first, and another client sees the file gone within
   * milliseconds. A name no brick unlinked stays, and the mount logs why. Anything else (a brick down, a directory, a
   * name not known here) waits as before.
   */
  void unlink(String path) {
    ns.writable(path);
    ns.settle(path);
    names.changing(); // before the attributes are dropped: see Namespace.list
    Attr known = attrs.fresh(path);
    if (known == null || known.isDirectory() || !rs.allUp()) {
      ns.change(path, new Requests.Unlink(path), MortarPaths.parent(path));
    } else {
      unlinksBehind.unlink(path);
      ns.invalidate(path);
    }
    names.removed(path);
  }

  void rename(String from, String to) {
    ns.writable(from);
    ns.settle(from, to);
    files.drainWritesAtOrBelow(from);
    names.changing();
    // Taken before the change drops them: a file's rename (rsync's, an editor's save) need not scan the cache.
    boolean fromMayHoldNames = attrs.mayHoldNames(from);
    boolean toMayHoldNames = attrs.mayHoldNames(to);
    try {
      ns.change(from, new Requests.Rename(from, to), MortarPaths.parent(from));
      files.renamed(from, to);
    } finally {
      ns.invalidate(to);
      if (fromMayHoldNames) {
        attrs.forgetBelow(from);
      }
      if (toMayHoldNames) {
        attrs.forgetBelow(to);
      }
      names.removed(from);
      names.removed(to); // a directory renamed over: what was known below it is gone
      names.added(to);
    }
  }

  void link(String existing, String newPath) {
    ns.writable(newPath);
    ns.settle(existing, newPath);
    ns.changeAttr(existing, new Requests.Link(existing, newPath), MortarPaths.parent(newPath));
    ns.invalidate(existing);
    names.added(newPath);
  }

  void symlink(String target, String linkPath) {
    ns.writable(linkPath);
    ns.settle(linkPath);
    NewEntry e = newEntry.get();
    ns.changeAttr(linkPath, new Requests.Symlink(linkPath, target, e.uid(), e.gid(), e.gfid()),
        MortarPaths.parent(linkPath));
    names.added(linkPath);
  }

  /** A FIFO, socket or device node (its number {@code rdev}); {@code mode} holds the type. */
  void mknod(String path, long mode, long rdev) {
    ns.writable(path);
    ns.settle(path);
    NewEntry e = newEntry.get();
    ns.changeAttr(path, new Requests.Mknod(path, (int) mode, rdev, e.uid(), e.gid(), e.gfid(), 0),
        MortarPaths.parent(path));
    names.added(path);
  }

  void readlink(String path, Pointer buf, long size) {
    ns.settle(path);
    byte[] t = rs.read(new Requests.Readlink(path), path).target().getBytes(StandardCharsets.UTF_8);
    int n = (int) Math.min(t.length, size - 1);
    buf.put(0, t, 0, n);
    buf.putByte(n, (byte) 0);
  }
}
