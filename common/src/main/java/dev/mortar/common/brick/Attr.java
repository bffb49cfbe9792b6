package dev.mortar.common.brick;

import io.vertx.core.json.JsonObject;

/**
 * A file's attributes as stat(2) gives them, plus its stable file ID. {@code mode} includes the file type bits.
 * Times are nanoseconds since the epoch. {@code rdev} is a device node's device number as Linux encodes st_rdev
 * (major and minor), 0 for every other kind of file.
 */
public record Attr(String gfid, long ino, int mode, int nlink, int uid, int gid, long size, long blocks,
                   long atime, long mtime, long ctime, long rdev) {
  public static final int S_IFMT = 0170000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFSOCK = 0140000;

  /** The attributes of anything but a device node. */
  public Attr(String gfid, long ino, int mode, int nlink, int uid, int gid, long size, long blocks,
              long atime, long mtime, long ctime) {
    this(gfid, ino, mode, nlink, uid, gid, size, blocks, atime, mtime, ctime, 0);
  }

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  public boolean isSymlink() {
    return (mode & S_IFMT) == S_IFLNK;
  }

  /** A FIFO, a socket or a device node: a name with attributes and no data of its own. */
  public boolean isSpecial() {
    return isSpecial(mode);
  }

  /** Whether {@code mode}'s type is a FIFO, a socket, or a character or block device. */
  public static boolean isSpecial(int mode) {
    int type = mode & S_IFMT;
    return type == S_IFIFO || type == S_IFSOCK || type == S_IFCHR || type == S_IFBLK;
  }

  /** Whether {@code mode}'s type is a character or block device, the kinds that have a device number. */
  public static boolean isDevice(int mode) {
    int type = mode & S_IFMT;
    return type == S_IFCHR || type == S_IFBLK;
  }

  /** The device number is left out where it is 0 (every file but a device node). */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("gfid", gfid).put("ino", ino).put("mode", mode).put("nlink", nlink)
        .put("uid", uid).put("gid", gid).put("size", size).put("blocks", blocks).put("atime", atime)
        .put("mtime", mtime).put("ctime", ctime);
    return rdev == 0 ? j : j.put("rdev", rdev);
  }

  public static Attr fromJson(JsonObject j) {
    return new Attr(j.getString("gfid"), j.getLong("ino"), j.getInteger("mode"), j.getInteger("nlink"),
        j.getInteger("uid"), j.getInteger("gid"), j.getLong("size"), j.getLong("blocks"), j.getLong("atime"),
        j.getLong("mtime"), j.getLong("ctime"), j.getLong("rdev", 0L));
  }
}
