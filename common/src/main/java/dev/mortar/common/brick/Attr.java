package dev.mortar.common.brick;

import io.vertx.core.json.JsonObject;

/**
 * A file's attributes as stat(2) gives them, plus its stable file ID. {@code mode} includes the file type bits.
 * Times are nanoseconds since the epoch.
 */
public record Attr(String gfid, long ino, int mode, int nlink, int uid, int gid, long size, long blocks,
                   long atime, long mtime, long ctime) {
  public static final int S_IFMT = 0170000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  public boolean isSymlink() {
    return (mode & S_IFMT) == S_IFLNK;
  }

  public JsonObject toJson() {
    return new JsonObject().put("gfid", gfid).put("ino", ino).put("mode", mode).put("nlink", nlink).put("uid", uid)
        .put("gid", gid).put("size", size).put("blocks", blocks).put("atime", atime).put("mtime", mtime)
        .put("ctime", ctime);
  }

  public static Attr fromJson(JsonObject j) {
    return new Attr(j.getString("gfid"), j.getLong("ino"), j.getInteger("mode"), j.getInteger("nlink"),
        j.getInteger("uid"), j.getInteger("gid"), j.getLong("size"), j.getLong("blocks"), j.getLong("atime"),
        j.getLong("mtime"), j.getLong("ctime"));
  }
}
