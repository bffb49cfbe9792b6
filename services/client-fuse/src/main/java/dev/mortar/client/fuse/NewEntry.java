package dev.mortar.client.fuse;

import dev.mortar.common.brick.Attr;

/**
 * Owner and file ID of a new file: chosen here so that every brick gives the file the same ones.
 *
 * @param inSetgidDir made in a set-group-ID directory: its group is the directory's, and a directory made there is
 *                    set-group-ID too (as Linux does it; the kernel itself drops the bit from a new file's mode where
 *                    its maker is not in that group)
 */
record NewEntry(int uid, int gid, String gfid, boolean inSetgidDir) {
  static final int S_ISGID = 02000;

  NewEntry(int uid, int gid, String gfid) {
    this(uid, gid, gfid, false);
  }

  /** A new entry of the calling process ({@code uid}, {@code gid}) in directory {@code dir}. */
  static NewEntry in(Attr dir, int uid, int gid, String gfid) {
    boolean setgid = (dir.mode() & S_ISGID) != 0;
    return new NewEntry(uid, setgid ? dir.gid() : gid, gfid, setgid);
  }

  /** The mode a new directory gets. */
  int dirMode(int mode) {
    return inSetgidDir ? mode | S_ISGID : mode;
  }
}
