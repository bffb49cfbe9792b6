package dev.mortar.e2e;

import dev.mortar.brick.storage.BrickStorage;
import dev.mortar.brick.storage.s3.S3BrickStorage;
import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.brick.storage.s3.S3Location;
import dev.mortar.brick.storage.s3.S3Store;
import dev.mortar.common.brick.Attr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * An S3 brick, read straight from its bucket (the node serving it writes every change through before answering,
 * so the bucket is the brick). Each call loads the brick afresh, read-only, as a new host would.
 */
final class S3BrickCopy extends BrickCopy {
  private final S3Config config;
  private final S3Location location;

  S3BrickCopy(String spec, S3Config config) {
    super(spec);
    this.config = config;
    this.location = S3Location.parse(spec.substring(spec.indexOf(":" + S3Location.SCHEME) + 1));
  }

  private BrickStorage open() {
    return S3BrickStorage.openReadOnly(new S3Store(config, location, new SimpleMeterRegistry(), "e2e", spec));
  }

  @Override
  Map<String, String> snapshot() {
    Map<String, String> out = new TreeMap<>();
    walk(open(), "", out);
    return out;
  }

  private static void walk(BrickStorage s, String dir, Map<String, String> out) {
    for (BrickStorage.DirEntry e : s.readdir(dir.isEmpty() ? "/" : "/" + dir)) {
      if (hidden(e.name())) {
        continue;
      }
      String rel = dir.isEmpty() ? e.name() : dir + "/" + e.name();
      Attr a = e.attr();
      StringBuilder d = new StringBuilder("mode=" + Integer.toOctalString(a.mode()));
      if (!a.isSymlink()) {
        d.append(" gfid=").append(a.gfid());
      }
      if (a.isSpecial()) {
        d.append(" rdev=").append(a.rdev());
      }
      if (a.isSymlink()) {
        d.append(" -> ").append(s.readlink("/" + rel));
      } else if (a.isRegularFile()) {
        try {
          d.append(" size=").append(a.size()).append(" nlink=").append(a.nlink()).append(" md5=")
              .append(md5(a.size(), (off, len) -> s.read("/" + rel, off, len).getBytes()));
        } catch (java.io.IOException impossible) {
          throw new IllegalStateException(impossible);
        }
        for (String n : s.listxattr("/" + rel)) {
          d.append(' ').append(n).append('=').append(HexFormat.of().formatHex(s.getxattr("/" + rel, n).getBytes()));
        }
      }
      out.put(rel, d.toString());
      if (a.isDirectory()) {
        walk(s, rel, out);
      }
    }
  }

  @Override
  String stat(String path) {
    Attr a = open().lookup("/" + path);
    return stat(a.mode(), a.uid(), a.gid(), a.mtime(), a.rdev());
  }

  @Override
  byte[] bytes(String path) {
    BrickStorage s = open();
    String p = "/" + path;
    return s.read(p, 0, (int) s.lookup(p).size()).getBytes();
  }

  @Override
  boolean isRegularFile(String path) {
    try {
      return open().lookup("/" + path).isRegularFile();
    } catch (dev.mortar.common.brick.BrickException e) {
      return false;
    }
  }
}
