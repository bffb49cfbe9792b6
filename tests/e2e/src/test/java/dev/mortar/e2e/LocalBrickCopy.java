package dev.mortar.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** A brick directory on local disk, read with plain file calls (it is a readable copy of the volume). */
final class LocalBrickCopy extends BrickCopy {
  final Path dir;

  LocalBrickCopy(String spec) {
    super(spec);
    this.dir = Path.of(spec.substring(spec.indexOf(":/") + 1));
  }

  @Override
  Map<String, String> snapshot() throws IOException {
    return BrickSnapshot.of(dir);
  }

  @Override
  String stat(String path) throws IOException {
    Map<String, Object> a = Files.readAttributes(dir.resolve(path), "unix:mode,uid,gid,lastModifiedTime,rdev",
        LinkOption.NOFOLLOW_LINKS);
    Instant m = ((FileTime) a.get("lastModifiedTime")).toInstant();
    return stat((Integer) a.get("mode"), (Integer) a.get("uid"), (Integer) a.get("gid"),
        m.getEpochSecond() * 1_000_000_000L + m.getNano(), (Long) a.get("rdev"));
  }

  @Override
  byte[] bytes(String path) throws IOException {
    return Files.readAllBytes(dir.resolve(path));
  }

  @Override
  boolean isRegularFile(String path) {
    return Files.isRegularFile(dir.resolve(path));
  }
}
