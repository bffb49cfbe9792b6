package dev.mortar.brick.storage.s3;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One file, directory or symbolic link of an S3 brick: the object {@code i/<id>}. It holds everything about it:
 * its names (parent directory's id + name; a directory has one, a hard-linked file several), attributes,
 * xattrs, replication metadata ({@link FileMeta}) and, for a regular file, the manifest of its data blocks.
 * Written whole in one PUT, so a reader sees the old or the new one, never a mix. Immutable: a change makes a new
 * one, which replaces the old in memory only after the store took it.
 *
 * @param id     the brick's own key for it, never reused (the gfid is not: heal may give two names the same gfid
 *               for a moment, as on local disk)
 * @param names  where it is in the tree; empty only for the root
 * @param xattrs extended attributes (user, trusted, security, POSIX ACLs), values base64-encoded
 * @param target a symbolic link's target, else null
 * @param rdev   a device node's device number, else 0 (a FIFO, socket or device node is an inode of its type with
 *               no data)
 */
record Inode(String id, List<Name> names, FileMeta meta, int mode, int uid, int gid, long atime, long mtime, long ctime, long size, String target,
             Map<String, String> xattrs, List<Extent> extents, long rdev) {
  /** One name of an inode: the directory it is in (by id) and its name there. */
  record Name(String parent, String name) {}

  Inode {
    names = List.copyOf(names);
    xattrs = Map.copyOf(xattrs);
    extents = List.copyOf(extents);
  }

  static Inode create(Name name, String gfid, int mode, int uid, int gid, String target) {
    long now = S3Clock.now();
    return new Inode(UUID.randomUUID().toString(), List.of(name), new FileMeta(gfid, 0, 0, 0, Map.of()), mode,
        Math.max(uid, 0), Math.max(gid, 0), now, now, now,
        target == null ? 0 : target.getBytes(StandardCharsets.UTF_8).length, target, Map.of(), List.of(), 0);
  }

  String gfid() {
    return meta.gfid();
  }

  boolean isDirectory() {
    return (mode & Attr.S_IFMT) == Attr.S_IFDIR;
  }

  boolean isSymlink() {
    return (mode & Attr.S_IFMT) == Attr.S_IFLNK;
  }

  /** A stable inode number (the low bits of the id): the same on every host serving the bucket. */
  long ino() {
    return UUID.fromString(id).getLeastSignificantBits() & Long.MAX_VALUE;
  }

  /** Attributes; a directory's link count is given by the caller (2 + its subdirectories). Blocks as on local disk. */
  Attr attr(int nlink) {
    return new Attr(gfid(), ino(), mode, nlink, uid, gid, size, (size + 511) / 512, atime, mtime, ctime, rdev);
  }

  Set<String> blocks() {
    Set<String> out = new HashSet<>();
    extents.forEach(e -> out.add(e.block()));
    return out;
  }

  /** The device number of a new device node. */
  Inode withRdev(long r) {
    return new Inode(id, names, meta, mode, uid, gid, atime, mtime, ctime, size, target, xattrs, extents, r);
  }

  Inode withMeta(FileMeta m) {
    return new Inode(id, names, m, mode, uid, gid, atime, mtime, ctime, size, target, xattrs, extents, rdev);
  }

  Inode withMode(int permissions) {
    return new Inode(id, names, meta, (mode & Attr.S_IFMT) | (permissions & 07777), uid, gid, atime, mtime, S3Clock.now(), size,
        target, xattrs, extents, rdev);
  }

  Inode withOwner(int newUid, int newGid) {
    return new Inode(id, names, meta, mode, newUid >= 0 ? newUid : uid, newGid >= 0 ? newGid : gid, atime, mtime, S3Clock.now(),
        size, target, xattrs, extents, rdev);
  }

  Inode withTimes(long newAtime, long newMtime) {
    return new Inode(id, names, meta, mode, uid, gid, newAtime, newMtime, S3Clock.now(), size, target, xattrs, extents, rdev);
  }

  Inode withXattrs(Map<String, String> x) {
    return new Inode(id, names, meta, mode, uid, gid, atime, mtime, S3Clock.now(), size, target, x, extents, rdev);
  }

  /** Data changed: new manifest and size, mtime and ctime now. */
  Inode withData(List<Extent> newExtents, long newSize) {
    long now = S3Clock.now();
    return new Inode(id, names, meta, mode, uid, gid, atime, now, now, newSize, target, xattrs, newExtents, rdev);
  }

  /** Same bytes, stored differently (compaction): times untouched. */
  Inode withExtents(List<Extent> newExtents) {
    return new Inode(id, names, meta, mode, uid, gid, atime, mtime, ctime, size, target, xattrs, newExtents, rdev);
  }

  Inode withNames(List<Name> n) {
    return new Inode(id, n, meta, mode, uid, gid, atime, mtime, S3Clock.now(), size, target, xattrs, extents, rdev);
  }

  Inode renamed(Name from, Name to) {
    List<Name> n = new ArrayList<>(names);
    n.set(n.indexOf(from), to);
    return withNames(n);
  }

  /** A directory whose entries changed (a name made, removed or moved there): mtime and ctime now. */
  Inode withEntriesChanged() {
    long now = S3Clock.now();
    return new Inode(id, names, meta, mode, uid, gid, atime, now, now, size, target, xattrs, extents, rdev);
  }

  Inode touched() {
    return new Inode(id, names, meta, mode, uid, gid, atime, mtime, S3Clock.now(), size, target, xattrs, extents, rdev);
  }

  byte[] encode() {
    JsonArray x = new JsonArray();
    extents.forEach(e -> x.add(e.toJson()));
    JsonArray n = new JsonArray();
    names.forEach(e -> n.add(new JsonArray().add(e.parent()).add(e.name())));
    JsonObject j = new JsonObject().put("id", id).put("names", n).put("meta", meta.toJson()).put("mode", mode).put("uid", uid).put("gid", gid)
        .put("atime", atime).put("mtime", mtime).put("ctime", ctime).put("size", size)
        .put("xattrs", new JsonObject(new TreeMap<>(xattrs))).put("extents", x);
    if (target != null) {
      j.put("target", target);
    }
    if (rdev != 0) {
      j.put("rdev", rdev);
    }
    return j.toBuffer().getBytes();
  }

  static Inode decode(byte[] raw) {
    JsonObject j = new JsonObject(Buffer.buffer(raw));
    Map<String, String> x = new TreeMap<>();
    j.getJsonObject("xattrs", new JsonObject()).forEach(e -> x.put(e.getKey(), (String) e.getValue()));
    List<Extent> ex = j.getJsonArray("extents", new JsonArray()).stream()
        .map(o -> Extent.fromJson((JsonArray) o)).toList();
    List<Name> n = j.getJsonArray("names", new JsonArray()).stream()
        .map(o -> new Name(((JsonArray) o).getString(0), ((JsonArray) o).getString(1))).toList();
    return new Inode(j.getString("id"), n, FileMeta.fromJson(j.getJsonObject("meta")), j.getInteger("mode"), j.getInteger("uid"),
        j.getInteger("gid"), j.getLong("atime"), j.getLong("mtime"), j.getLong("ctime"), j.getLong("size"),
        j.getString("target"), x, ex, j.getLong("rdev", 0L));
  }
}
