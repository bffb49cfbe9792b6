package dev.mortar.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Where things are: the checkout, {@code bin/mortar}, and this module's log and scratch directories. */
final class E2e {
  private E2e() {}

  /** The repository root (surefire passes {@code mortar.home}; else found upwards from the working directory). */
  static Path home() {
    String prop = System.getProperty("mortar.home");
    if (prop != null && !prop.isBlank() && Files.isRegularFile(Path.of(prop, "bin", "mortar"))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("bin/mortar")) && Files.isDirectory(p.resolve("launcher"))) {
        return p;
      }
    }
    throw new AssertionError("cannot find the Mortar checkout (bin/mortar): run the tests with Maven from the"
        + " repository, or pass -Dmortar.home=/path/to/checkout");
  }

  private static Path dist;

  /**
   * {@code bin/mortar} of a private copy of the built product (bin, config, launcher/target/mortar.jar and lib), made
   * once per test JVM after checking the build is current. The nodes run for minutes, and a build started meanwhile
   * (by a developer or another tool) would replace the jars under them and fail them with NoClassDefFoundError; the
   * copy runs exactly the same script and jars, isolated from that.
   */
  static synchronized String mortar() {
    if (dist == null) {
      Path home = home();
      checkBuilt(home);
      dist = copyProduct(home);
    }
    return dist.resolve("bin/mortar").toString();
  }

  private static Path copyProduct(Path home) {
    Path root = moduleTarget().resolve("e2e-dist");
    Path to = root.resolve(String.valueOf(ProcessHandle.current().pid()));
    try {
      // Copies left by earlier runs whose JVM is gone.
      if (Files.isDirectory(root)) {
        try (Stream<Path> old = Files.list(root)) {
          for (Path d : old.toList()) {
            String name = d.getFileName().toString();
            if (!name.matches("\\d+") || ProcessHandle.of(Long.parseLong(name)).isEmpty()) {
              delete(d);
            }
          }
        }
      }
      for (int attempt = 1; ; attempt++) {
        delete(to);
        copyTree(home.resolve("bin"), to.resolve("bin"));
        copyTree(home.resolve("config"), to.resolve("config"));
        copyTree(home.resolve("launcher/target/lib"), to.resolve("launcher/target/lib"));
        Files.copy(home.resolve("launcher/target/mortar.jar"), to.resolve("launcher/target/mortar.jar"));
        String broken = firstBrokenJar(to.resolve("launcher/target"));
        if (broken == null) {
          break;
        }
        if (attempt == 5) {
          throw new AssertionError("the built jars keep changing or are broken (" + broken + "); is a build running?"
              + " Wait for it, then run the tests again");
        }
        Thread.sleep(2000); // a build is writing them right now
      }
      to.resolve("bin/mortar").toFile().setExecutable(true);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** A jar that cannot be read as a zip (half written), or null. */
  private static String firstBrokenJar(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path jar : all.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
          z.size();
        } catch (IOException e) {
          return jar.getFileName() + ": " + e.getMessage();
        }
      }
    }
    return null;
  }

  private static void delete(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * bin/mortar runs the jars in launcher/target; {@code mvn test} compiles classes but makes no jars, so the tests
   * would silently run old code. Each module's newest class must not be newer than its jar there.
   */
  private static void checkBuilt(Path home) {
    String build = "run 'mvn -B -o -q -DskipTests package' in " + home + " (or run the tests with 'mvn -o verify',"
        + " which packages first)";
    Path mortarJar = home.resolve("launcher/target/mortar.jar");
    if (!Files.isRegularFile(mortarJar)) {
      throw new AssertionError("Mortar is not built: " + build);
    }
    Path lib = home.resolve("launcher/target/lib");
    try (Stream<Path> modules = Stream.of("common", "services/brick", "services/healer", "services/mgmt",
        "services/client-fuse", "launcher").map(home::resolve)) {
      for (Path module : modules.toList()) {
        Path jar = module.endsWith("launcher") ? mortarJar : findJar(lib, "mortar-" + module.getFileName() + "-");
        Path classes = module.resolve("target/classes");
        if (jar == null || !Files.isDirectory(classes)) {
          continue;
        }
        long jarTime = Files.getLastModifiedTime(jar).toMillis();
        try (Stream<Path> all = Files.walk(classes)) {
          Path newer = all.filter(p -> p.toString().endsWith(".class")).filter(p -> {
            try {
              return Files.getLastModifiedTime(p).toMillis() > jarTime + 1000;
            } catch (IOException e) {
              return false;
            }
          }).findFirst().orElse(null);
          if (newer != null) {
            throw new AssertionError(jar + " is older than " + newer + ": bin/mortar would run old code; " + build);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path findJar(Path lib, String prefix) throws IOException {
    if (!Files.isDirectory(lib)) {
      return null;
    }
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElse(null);
    }
  }

  static Path moduleTarget() {
    return home().resolve("tests/e2e/target");
  }

  /** A fresh directory for node logs of one test class: {@code target/e2e-logs/<name>-<time>}. */
  static Path logDir(String name) {
    return fresh(moduleTarget().resolve("e2e-logs").resolve(name + "-" + stamp()));
  }

  /**
   * Fails, naming the Debian packages to install, where a program the tests run is missing ({@code packageOf}: each
   * program's package).
   */
  static void requireTools(Map<String, String> packageOf) {
    List<String> missing = packageOf.entrySet().stream()
        .filter(t -> Cmd.run(Duration.ofSeconds(10), "sh", "-c", "command -v " + t.getKey()).exit() != 0)
        .map(Map.Entry::getValue).distinct().sorted().toList();
    if (!missing.isEmpty()) {
      throw new AssertionError("programs these tests run are missing: apt-get install -y "
          + String.join(" ", missing));
    }
  }

  /** A fresh scratch directory (state dirs, bricks) of one test class. */
  static Path workDir(String name) {
    return fresh(moduleTarget().resolve("e2e-work").resolve(name + "-" + stamp()));
  }

  private static String stamp() {
    return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  private static Path fresh(Path dir) {
    try {
      delete(dir);
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints a measurement so it shows in the build output and the surefire report. */
  static void measured(String what, java.time.Duration d) {
    System.out.printf("[e2e] MEASURED %s: %.2f s%n", what, d.toMillis() / 1000.0);
  }

  static void note(String line) {
    System.out.println("[e2e] " + line);
  }
}
