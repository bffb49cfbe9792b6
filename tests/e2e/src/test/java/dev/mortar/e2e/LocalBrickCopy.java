package dev.mortar.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  byte[] bytes(String path) throws IOException {
    return Files.readAllBytes(dir.resolve(path));
  }

  @Override
  boolean isRegularFile(String path) {
    return Files.isRegularFile(dir.resolve(path));
  }
}
