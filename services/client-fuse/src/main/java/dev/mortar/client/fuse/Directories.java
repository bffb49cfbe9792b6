package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.UnlinksBehind;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
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
  /** The owner and file ID of a new entry at a path, from the calling process and the directory it is made in. */
  private final Function<String, NewEntry> newEntry;

  Directories(ReplicaSet rs, Namespace ns, AttrCache attrs, OpenFiles files, UnlinksBehind unlinksBehind,
              Function<String, NewEntry> newEntry) {
    this.rs = rs;
    this.ns = ns;
    this.attrs = attrs;
    this.names = ns.names();
    this.files = files;
    this.unlinksBehind = unlinksBehind;
    this.newEntry = newEntry;
  }

  void mkdir(String path, long mode) {
    make(path, 1, e -> new Requests.Mkdir(path, e.dirMode((int) mode & 07777), e.uid(), e.gid(), e.gfid(), 0));
    names.made(path);
  }

  /**
   * Makes a new entry at {@code path} on every live brick ({@code request}, for the calling process's new entry)
   * and caches it and its directory as the bricks answer them; {@code subdirs}: 1 for a directory.
   */
  private void make(String path, int subdirs, Function<NewEntry, BrickRequest<Replies.AttrReply>> request) {
    ns.writable(path);
    ns.settle(path);
    String dir = MortarPaths.parent(path);
    Replies.AttrReply made = ns.change(path, request.apply(newEntry.apply(path)), dir);
    ns.cache(path, made.attr());
    names.added(path);
    ns.dirChanged(dir, made.dir(), subdirs);
  }

  void rmdir(String path) {
    ns.writable(path);
    ns.settle(path);
    names.changing();
    String dir = MortarPaths.parent(path);
    Replies.DirsReply done = ns.change(path, new Requests.Rmdir(path), dir);
    attrs.forgetBelow(path);
    names.removed(path);
    ns.dirChanged(dir, done.dir(), -1);
  }

  /**
   * Unlink-behind ({@link UnlinksBehind}), as CephFS's asynchronous directory operations: the unlink of a file known
   * here (attributes cached) is acknowledged once queued, with every brick of the replica set up, and the unlinks of
   * one directory go to the bricks together, so that {@code rm -rf} costs neither a round trip nor a request per
   * file. Whatever touches that name or its directory afterwards on this mount (a lookup, a listing, rmdir, a create
   * of the same name) waits for the bricks' answer first, and another client sees the file gone within
   * milliseconds. A name no brick unlinked stays, and the mount logs why. Anything else (a brick down, a directory, a
   * name not known here, a file with other names, whose link count the bricks must show at once) waits as before.
   */
  void unlink(String path) {
    ns.writable(path);
    ns.settle(path);
    names.changing(); // before the attributes are dropped: see Namespace.list
    Attr known = attrs.fresh(path);
    String dir = MortarPaths.parent(path);
    if (known == null || known.isDirectory() || known.nlink() > 1 || !rs.allUp()) {
      Replies.DirsReply done = ns.change(path, new Requests.Unlink(path), dir);
      if (known == null) {
        attrs.forgetLinkedFiles();
      }
      names.removed(path);
      ns.dirChanged(dir, done.dir(), 0);
    } else {
      unlinksBehind.unlink(path);
      ns.invalidate(path);
      names.removed(path);
      ns.changedIn(dir, 0);
    }
  }

  void rename(String from, String to) {
    ns.writable(from);
    ns.settle(from, to);
    files.drainWritesAtOrBelow(from);
    names.changing();
    // Taken before the change drops them: a file's rename (rsync's, an editor's save) need not scan the cache.
    boolean fromMayHoldNames = attrs.mayHoldNames(from);
    boolean toMayHoldNames = attrs.mayHoldNames(to);
    Attr moved = attrs.any(from);
    Attr replaced = attrs.any(to);
    try {
      String fromDir = MortarPaths.parent(from);
      String toDir = MortarPaths.parent(to);
      Replies.DirsReply done = ns.change(from, new Requests.Rename(from, to), fromDir);
      files.renamed(from, to);
      if (replaced == null) {
        attrs.forgetLinkedFiles(); // a file not known here may have lost a name
      }
      // Subdirectories moved out and in, for the link counts this mount guesses where it must (see dirChanged).
      int out = moved != null && moved.isDirectory() ? 1 : 0;
      int in = replaced != null && replaced.isDirectory() ? 0 : out;
      if (moved == null) { // what moved is not known here
        ns.invalidate(fromDir);
        ns.invalidate(toDir);
      } else if (toDir.equals(fromDir)) {
        ns.dirChanged(fromDir, done.dir(), in - out);
      } else {
        ns.dirChanged(fromDir, done.dir(), -out);
        ns.dirChanged(toDir, done.toDir(), in);
      }
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

  /** The file's attributes (one more link, a new ctime) are every name's: {@link AttrCache} spreads them. */
  void link(String existing, String newPath) {
    ns.writable(newPath);
    ns.settle(existing, newPath);
    String dir = MortarPaths.parent(newPath);
    Replies.AttrReply linked = ns.change(existing, new Requests.Link(existing, newPath), dir);
    ns.cache(newPath, linked.attr());
    ns.cache(existing, linked.attr());
    names.added(newPath);
    ns.dirChanged(dir, linked.dir(), 0);
  }

  void symlink(String target, String linkPath) {
    make(linkPath, 0, e -> new Requests.Symlink(linkPath, target, e.uid(), e.gid(), e.gfid()));
  }

  /** A FIFO, socket or device node (its number {@code rdev}); {@code mode} holds the type. */
  void mknod(String path, long mode, long rdev) {
    make(path, 0, e -> new Requests.Mknod(path, (int) mode, rdev, e.uid(), e.gid(), e.gfid(), 0));
  }

  void readlink(String path, Pointer buf, long size) {
    ns.settle(path);
    byte[] t = rs.read(new Requests.Readlink(path), path).target().getBytes(StandardCharsets.UTF_8);
    int n = (int) Math.min(t.length, size - 1);
    buf.put(0, t, 0, n);
    buf.putByte(n, (byte) 0);
  }
}
