package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The POSIX conformance tester (tests/conformance/posix_conform.py) against a replica-2 volume of two nodes: seeded
 * random steps run on a local directory and through a mount, every outcome, errno, stat field, content, xattr and
 * ACL compared after each step; a difference fails the test with the shortest step list that shows it. Then steps
 * through one node's mount, and the whole tree compared through the other node's mount too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceTest {
  /**
   * The families of steps and checks Mortar passes today: switch one on by adding its name. Not yet: "owners" (steps
   * as another user: a root chown of a file can drop its sticky bit), "open" (a file unlinked or renamed over while
   * open shows as .fuse_hidden* in its directory), "names" (names that are not UTF-8, 4,095-byte paths).
   * README.md in tests/conformance says what each covers.
   */
  static final List<String> FAMILIES = List.of("basic", "oddnames", "special", "xattr", "acl", "links", "nlink",
      "times", "setid");
  static final int STEPS = 700;
  /** The longest a failure's shrinking may take: a failing run still ends within the test's time. */
  private static final int SHRINK_SECONDS = 60;

  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  private FuseMount a;
  private FuseMount b;
  private Path local;

  // ---- what a subclass changes to run the same tests on other bricks (S3ConformanceTest) ----

  Map<String, String> nodeEnvironment() {
    return Map.of();
  }

  String brickSpec(int i, String vol) {
    return nodes.brick(i, vol);
  }

  String host(int i) {
    return nodes.host(i);
  }

  @BeforeAll
  void start() {
    FuseMount.requireFuse();
    requirePython();
    String name = getClass().getSimpleName();
    nodes = LocalNodes.start(name, 2, LOGS, nodeEnvironment());
    nodes.replicaTwo("conf", brickSpec(1, "conf"), brickSpec(2, "conf"));
    Path logs = E2e.logDir(name);
    // allow_other: the tester runs steps as another user too.
    List<String> opts = List.of("-o", "allow_other");
    a = FuseMount.mount(nodes.net.remote(1) + ":/conf", nodes.work.resolve("mnt/a"), logs.resolve("mount-a.log"),
        opts);
    b = FuseMount.mount(nodes.net.remote(2) + ":/conf", nodes.work.resolve("mnt/b"), logs.resolve("mount-b.log"),
        opts);
    local = nodes.work.resolve("local");
    Cmd.must("mkdir", "-p", local.toString());
  }

  @AfterAll
  void stop() {
    FuseMount.closeAll(a, b);
    if (nodes != null) {
      nodes.close();
    }
  }

  /** The conformance tester is a Python 3 program. */
  static void requirePython() {
    E2e.requireTools(Map.of("python3", "python3"));
  }

  /** Runs the tester; its output says what differed and the shortest step list that shows it. */
  private static void conforms(Path local, Path mount, Path mount2, int seed, int steps) {
    List<String> argv = new ArrayList<>(List.of("python3", E2e.home().resolve("tests/conformance/posix_conform.py")
        .toString(), "--local", local.toString(), "--mount", mount.toString(), "--seed", String.valueOf(seed),
        "--steps", String.valueOf(steps), "--families", String.join(",", FAMILIES), "--shrink-seconds",
        String.valueOf(SHRINK_SECONDS)));
    if (mount2 != null) {
      argv.addAll(List.of("--mount2", mount2.toString()));
    }
    Cmd.Result r = Cmd.run(Duration.ofSeconds(SHRINK_SECONDS + 240), argv);
    E2e.note(r.out().strip());
    assertEquals(0, r.exit(), r::describe);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void seededStepsBehaveThroughTheMountAsOnALocalDisk(int seed) {
    conforms(local, a.dir, null, seed, STEPS);
  }

  @Test
  void anotherNodesMountShowsTheSameTree() {
    conforms(local, a.dir, b.dir, 100, STEPS / 2);
  }
}
