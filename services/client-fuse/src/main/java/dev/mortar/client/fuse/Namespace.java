package dev.mortar.client.fuse;

import dev.mortar.client.replication.MortarPaths;
import dev.mortar.client.replication.ReplicaSet;
import dev.mortar.client.replication.UnlinksBehind;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.VolumePaths;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The volume's names and attributes as this mount sees them: looked up and listed through its caches, changed on
 * the bricks with the caches kept right, and settled (this mount's creates and unlinks on their way reach the bricks
 * before another operation on the same names).
 */
final class Namespace {
  private final ReplicaSet rs;
  private final AttrCache attrs;
  private final DirectoryNames names;
  private final OpenFiles files;
  private final UnsentCreates creates;
  private final UnlinksBehind unlinksBehind;

  Namespace(ReplicaSet rs, AttrCache attrs, DirectoryNames names, OpenFiles files, UnsentCreates creates,
            UnlinksBehind unlinksBehind) {
    this.rs = rs;
    this.attrs = attrs;
    this.names = names;
    this.files = files;
    this.creates = creates;
    this.unlinksBehind = unlinksBehind;
    unlinksBehind.whenAnswered(this::dirAnswered);
  }

  DirectoryNames names() {
    return names;
  }

  /** A change is refused while the volume is read-only ({@code features.read-only}), as on a read-only mount. */
  void writable(String path) {
    if (rs.settings().readOnly()) {
      throw new BrickException(Errno.EROFS, path + ": volume " + rs.volumeName() + " is read-only"
          + " (features.read-only is on)");
    }
  }

  /** This client changed {@code path}: its cached attributes and what every handle on it read ahead are dropped. */
  void invalidate(String path) {
    attrs.remove(path);
    files.invalidateReads(path);
  }

  Attr cache(String path, Attr a) {
    return attrs.put(path, a);
  }

  Attr lookup(String path) {
    files.drainWritesTo(path);
    awaitSessionEnd(path);
    Attr cached = attrs.fresh(path);
    if (cached != null) {
      names.served(path);
      return cached;
    }
    DirectoryNames.Known known = names.lookup(path);
    if (known == DirectoryNames.Known.LIST_AGAIN_WITH_ATTRIBUTES) {
      list(MortarPaths.parent(path));
      cached = attrs.any(path);
      if (cached != null) {
        return cached;
      }
      known = names.lookup(path);
    } else if (known == DirectoryNames.Known.LIST_AGAIN) {
      listNames(MortarPaths.parent(path));
      known = names.lookup(path);
    }
    if (known == DirectoryNames.Known.ABSENT) {
      VolumePaths.components(path); // a name no brick could hold (longer than 255 bytes) is refused as a brick would
      throw new BrickException(Errno.ENOENT, path + ": no such file (listed within the cache time)");
    }
    settleIn(path);
    return cache(path, rs.read(new Requests.Lookup(path), path).attr());
  }

  /**
   * The end of this mount's last write session on {@code path}, if it is still on its way, reaches the bricks
   * first: on local disk it changes the file's ctime, which must not change after a stat(2) shows it.
   */
  private void awaitSessionEnd(String path) {
    io.vertx.core.Future<Void> end = rs.sessionEnds().endOf(path);
    if (end != null) {
      rs.await(end.otherwiseEmpty());
      attrs.remove(path);
    }
  }

  /**
   * Before a directory's attributes are read from a brick: the creates and unlinks this mount made in it that have
   * not reached the bricks yet get there, so that its times and link count count them (and do not change later).
   */
  private void settleIn(String dir) {
    creates.sendIn(dir);
    unlinksBehind.awaitIn(dir);
  }

  /** Are creates or unlinks this mount made in {@code dir} still on their way to the bricks? */
  private boolean unsettledIn(String dir) {
    return creates.anyIn(dir) || unlinksBehind.paths().stream().anyMatch(p -> MortarPaths.parent(p).equals(dir));
  }

  /**
   * A name in {@code dir} was made or removed through this mount, with {@code subdirs} more or fewer
   * subdirectories there, and the bricks answer later: its cached attributes show it at once (see
   * {@link AttrCache#changedIn}).
   */
  void changedIn(String dir, int subdirs) {
    attrs.changedIn(dir, subdirs, Clock.nanos());
  }

  /**
   * A change of names in {@code dir} was answered, with the directory as it left it ({@code after}, null if the
   * brick could not tell): cached, so that a stat(2) of it shows the brick's times at once and no others later.
   * Where other changes of this mount there are still on their way, the answer does not count them: they are
   * guessed instead, as for a change not answered yet.
   */
  void dirChanged(String dir, Attr after, int subdirs) {
    if (unsettledIn(dir)) {
      changedIn(dir, subdirs);
    } else {
      answered(dir, after);
    }
  }

  /** The answer to changes of names in {@code dir} made earlier ({@link #changedIn}): see {@link #dirChanged}. */
  void dirAnswered(String dir, Attr after) {
    if (!unsettledIn(dir)) {
      answered(dir, after);
    }
  }

  private void answered(String dir, Attr after) {
    if (after != null) {
      attrs.putDir(dir, after);
    } else {
      attrs.remove(dir);
    }
  }

  /**
   * Lists a directory's names only, for lookups of absent names: a brick lists 5,000 names in one getdents pass
   * instead of opening every file for its metadata.
   */
  private void listNames(String dir) {
    unlinksBehind.awaitIn(dir);
    long since = names.changes();
    names.listed(dir, rs.read(new Requests.ListNames(dir), dir).names(), false, since);
  }

  /**
   * Lists a directory; its names and their attributes are cached (`ls -l` then needs no lookup per file). Unlinks
   * acknowledged here go to the bricks first, and a listing that ran across a change made here is not cached: it
   * could show a name as there for a cache time after this client removed it.
   */
  List<String> list(String dir) {
    unlinksBehind.awaitIn(dir);
    long since = names.changes();
    long started = System.nanoTime();
    Set<String> writing = files.writtenSince(started);
    List<Replies.DirEntry> entries = rs.read(new Requests.Readdir(dir), dir).entries();
    // A file written through this mount meanwhile, or whose writes are behind, is listed with its old size and
    // times: not cached, so that stat(2) waits for those writes and asks a brick.
    writing.addAll(files.writtenSince(started));
    List<String> listed = new ArrayList<>();
    for (Replies.DirEntry e : entries) {
      String child = VolumePaths.child(dir, e.name());
      if (writing.contains(child)) {
        attrs.remove(child);
      } else if (e.attr().isDirectory() && unsettledIn(child)) {
        attrs.remove(child); // its times do not count this mount's changes in it yet: a lookup settles them first
      } else {
        cache(child, e.attr());
      }
      listed.add(e.name());
    }
    if (!names.listed(dir, listed, true, since)) {
      listed.forEach(name -> attrs.remove(VolumePaths.child(dir, name)));
    }
    return listed;
  }

  /** A change of {@code path} (the request's) on every live brick; {@code blameOn} as in {@link ReplicaSet#write}. */
  <R> R change(String path, BrickRequest<R> request, String blameOn) {
    try {
      return rs.write(request, blameOn);
    } finally {
      invalidate(path);
    }
  }

  Attr changeAttr(String path, BrickRequest<Replies.AttrReply> request, String blameOn) {
    return cache(path, change(path, request, blameOn).attr());
  }

  /**
   * Another operation on {@code paths} sees the files there and below as the bricks have them: the creates of those
   * not sent yet are sent first, and unlinks on their way are waited for.
   */
  void settle(String... paths) {
    creates.send(paths);
    for (String p : unlinksBehind.paths()) {
      if (atOrBelow(p, paths)) {
        unlinksBehind.await(p);
      }
    }
  }

  static boolean atOrBelow(String path, String... paths) {
    for (String p : paths) {
      if (path.equals(p) || path.startsWith(p.equals("/") ? p : p + "/")) {
        return true;
      }
    }
    return false;
  }
}
