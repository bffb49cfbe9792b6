package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.common.brick.Attr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The user-visible state of a brick directory, to check that every copy of a volume ends the same. */
final class BrickSnapshot {
  private BrickSnapshot() {}

  /** Every brick directory holds what the first holds. */
  static void assertIdentical(List<Path> bricks, String message) throws IOException {
    Map<String, String> first = of(bricks.get(0));
    for (Path other : bricks.subList(1, bricks.size())) {
      assertEquals(first, of(other), message);
    }
  }

  /**
   * What must be the same on every brick: names, types, modes, sizes, contents, link targets, user xattrs, device
   * numbers.
   */
  static Map<String, String> of(Path brick) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(brick)) {
      for (Path p : walk.toList()) {
        String rel = brick.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(".mortar") || p.getFileName().toString().startsWith(".fuse_hidden")) {
          continue;
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,nlink,ino,rdev", LinkOption.NOFOLLOW_LINKS);
        StringBuilder d = new StringBuilder("mode=" + Integer.toOctalString((Integer) a.get("mode")));
        if (Attr.isSpecial((Integer) a.get("mode"))) { // never opened: its file ID is in .mortar/ino, as a symlink's
          byte[] side = Files.readAllBytes(brick.resolve(".mortar/ino/" + a.get("ino")));
          d.append(" gfid=").append(dev.mortar.brick.storage.local.MetaXattr.decode(side).gfid())
              .append(" rdev=").append(a.get("rdev"));
        } else if (!Files.isSymbolicLink(p)) { // the same file ID on every copy (symlinks keep theirs in .mortar/ino)
          UserDefinedFileAttributeView meta = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          ByteBuffer m = ByteBuffer.allocate(meta.size("mortar.meta"));
          meta.read("mortar.meta", m);
          d.append(" gfid=").append(dev.mortar.brick.storage.local.MetaXattr.decode(m.array()).gfid());
        }
        if (Files.isSymbolicLink(p)) {
          d.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          d.append(" size=").append(a.get("size")).append(" nlink=").append(a.get("nlink")).append(" md5=")
              .append(md5(p));
          UserDefinedFileAttributeView x = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          for (String n : x.list().stream().sorted().toList()) {
            if (!n.startsWith("mortar.")) {
              ByteBuffer v = ByteBuffer.allocate(x.size(n));
              x.read(n, v);
              d.append(" user.").append(n).append('=').append(HexFormat.of().formatHex(v.array()));
            }
          }
        }
        out.put(rel, d.toString());
      }
    }
    return out;
  }

  private static String md5(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p)) {
      return BrickCopy.md5(ch.size(), (off, len) -> {
        ByteBuffer buf = ByteBuffer.allocate(len);
        int n = ch.read(buf, off);
        return java.util.Arrays.copyOf(buf.array(), Math.max(n, 0));
      });
    }
  }
}
