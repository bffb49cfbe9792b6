package dev.mortar.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One brick's copy of a volume, read behind the volume's back to compare copies: a directory on local disk
 * ({@link LocalBrickCopy}) or a bucket prefix ({@link S3BrickCopy}). Both describe a file the same way, so a local
 * and an S3 brick of one replica set can be compared too.
 */
abstract class BrickCopy {
  /** The brick as given to {@code volume create}. */
  final String spec;

  BrickCopy(String spec) {
    this.spec = spec;
  }

  /**
   * What must be the same on every brick, by relative path: names, types, modes, file IDs (not of symlinks),
   * sizes, link counts, contents, link targets, user xattrs, device numbers.
   */
  abstract Map<String, String> snapshot() throws IOException;

  /** A file's type and mode, owner, modification time and device number, as one line to compare copies by. */
  abstract String stat(String path) throws IOException;

  static String stat(int mode, int uid, int gid, long mtimeNanos, long rdev) {
    return "mode=" + Integer.toOctalString(mode) + " uid=" + uid + " gid=" + gid + " mtime=" + mtimeNanos + " rdev="
        + rdev;
  }

  /** A file's bytes ({@code path} relative to the volume root, e.g. {@code dates.txt}). */
  abstract byte[] bytes(String path) throws IOException;

  abstract boolean isRegularFile(String path) throws IOException;

  List<String> lines(String path) throws IOException {
    return new String(bytes(path), StandardCharsets.UTF_8).lines().toList();
  }

  /** Reads {@code len} bytes at {@code offset}. */
  @FunctionalInterface
  interface Ranges {
    byte[] read(long offset, int len) throws IOException;
  }

  /** Whole content up to 64 MiB; of bigger (sparse) files the first and the last MiB, with the size beside it. */
  static String md5(long size, Ranges file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      long pos = 0;
      while (pos < size) {
        if (size > (64 << 20) && pos == (1 << 20)) {
          pos = size - (1 << 20);
        }
        byte[] b = file.read(pos, (int) Math.min(1 << 20, size - pos));
        if (b.length == 0) {
          break;
        }
        md.update(b);
        pos += b.length;
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Names the FUSE layer uses for files unlinked while open: not part of a volume's content. */
  static boolean hidden(String name) {
    return name.startsWith(".fuse_hidden");
  }

  @Override
  public String toString() {
    return spec;
  }
}
