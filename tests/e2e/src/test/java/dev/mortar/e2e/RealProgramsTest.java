package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * Real programs with a replica-2 volume (two nodes, local-disk bricks) as their file system: git clones into it and
 * checks every object, tar, cp -a and rsync copy a tree into it and back out (compared with the original byte for
 * byte and attribute for attribute: tests/conformance/tree_compare.py), and stress-ng's file system stressors run
 * in it with their own checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealProgramsTest {
  private static final Map<String, String> TOOLS = Map.of("git", "git", "tar", "tar", "rsync", "rsync",
      "stress-ng", "stress-ng", "python3", "python3");

  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();

  private LocalNodes nodes;
  private FuseMount mount;
  private Path scratch;

  @BeforeAll
  void start() {
    FuseMount.requireFuse();
    E2e.requireTools(TOOLS);
    String name = getClass().getSimpleName();
    nodes = LocalNodes.start(name, 2, LOGS);
    nodes.replicaTwo("progs", nodes.brick(1, "progs"), nodes.brick(2, "progs"));
    mount = FuseMount.mount(nodes.net.remote(1) + ":/progs", nodes.work.resolve("mnt"),
        E2e.logDir(name).resolve("mount.log"));
    scratch = nodes.work.resolve("scratch");
    Cmd.must("mkdir", "-p", scratch.toString());
  }

  @AfterAll
  void stop() {
    if (mount != null) {
      mount.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  /** Runs a shell command (with {@code $1}, {@code $2}, ... the arguments) that must succeed. */
  private static Cmd.Result sh(String script, Object... args) {
    List<String> argv = new ArrayList<>(List.of("bash", "-euo", "pipefail", "-c", script, "sh"));
    for (Object a : args) {
      argv.add(a.toString());
    }
    Cmd.Result r = Cmd.run(Duration.ofMinutes(3), argv);
    assertEquals(0, r.exit(), r::describe);
    return r;
  }

  private static Path conformance(String script) {
    return E2e.home().resolve("tests/conformance").resolve(script);
  }

  /** A sample tree (see make_tree.py) made for one test, with these extras. */
  private Path sampleTree(String name, String... extras) {
    Path src = scratch.resolve(name + "-src");
    List<String> argv = new ArrayList<>(List.of("python3", conformance("make_tree.py").toString(), src.toString()));
    argv.addAll(List.of(extras));
    Cmd.Result r = Cmd.run(Duration.ofMinutes(1), argv);
    assertEquals(0, r.exit(), r::describe);
    return src;
  }

  /** The two trees are the same to a program; compare flags as tree_compare.py takes them. */
  private static void same(Path expected, Path actual, String... flags) {
    List<String> argv = new ArrayList<>(List.of("python3", conformance("tree_compare.py").toString(),
        expected.toString(), actual.toString()));
    argv.addAll(List.of(flags));
    Cmd.Result r = Cmd.run(Duration.ofMinutes(2), argv);
    assertEquals(0, r.exit(), () -> "the copy differs from the original:\n" + r.out() + r.err());
  }

  /** {@code in} copies $1 to $2 (not there yet), {@code out} the same: into the mount, back out, both compared. */
  private void roundTrip(String name, String in, String out, Path src, String... compareFlags) {
    Path inMount = mount.dir.resolve(name);
    Path back = scratch.resolve(name + "-back");
    sh(in, src, inMount);
    same(src, inMount, compareFlags);
    sh(out, inMount, back);
    same(src, back, compareFlags);
  }

  private static final String TAR = "mkdir \"$2\"; tar -C \"$1\" --format=posix -cf - . | tar -C \"$2\" -xpf -";
  private static final String TAR_XATTRS = "mkdir \"$2\"; tar -C \"$1\" --format=posix --xattrs --xattrs-include='*'"
      + " --acls -cf - . | tar -C \"$2\" --xattrs --xattrs-include='*' --acls -xpf -";
  private static final String CP = "cp -a \"$1\" \"$2\"";
  private static final String RSYNC = "rsync -aHS \"$1\"/ \"$2\"/";
  private static final String RSYNC_XATTRS = "rsync -aHSAX \"$1\"/ \"$2\"/";

  @Test
  void gitClonesIntoTheVolumeAndEveryObjectChecks() {
    Path repo = scratch.resolve("repo");
    sh("git init -q \"$1\"; cd \"$1\"; git config user.email e2e@mortar; git config user.name e2e\n"
        + "for i in $(seq 1 20); do mkdir -p dir$((i % 4)); seq $i $((i * 300)) > dir$((i % 4))/file$i.txt\n"
        + "  echo \"$i\" >> log.txt; [ $i = 10 ] && git mv dir1 renamed\n"
        + "  git add -A; git commit -qm \"commit $i\"; done\n"
        + "ln -s log.txt link; chmod +x log.txt; git add -A; git commit -qm links; git tag v1", repo);
    Path clone = mount.dir.resolve("clone");
    sh("git clone -q --no-local \"$1\" \"$2\"; cd \"$2\"; git fsck --full --strict; test -z \"$(git status"
        + " --porcelain)\"", repo, clone);
    // Work in the clone on the volume: commits, a repack into one pack, a prune, and every object checked again.
    sh("cd \"$1\"; git config user.email e2e@mortar; git config user.name e2e\n"
        + "for i in 1 2 3; do echo more$i >> log.txt; git commit -qam \"on the volume $i\"; done\n"
        + "git gc -q --aggressive --prune=now; git fsck --full --strict; test -z \"$(git status --porcelain)\"", clone);
    Path back = scratch.resolve("clone-back");
    sh("git clone -q --no-local \"$1\" \"$2\"; cd \"$2\"; git fsck --full --strict", clone, back);
    assertEquals(sh("git -C \"$1\" rev-parse HEAD v1", clone).out(), sh("git -C \"$1\" rev-parse HEAD v1", back).out());
    assertEquals(24, Integer.parseInt(sh("git -C \"$1\" rev-list --count HEAD", back).out().strip()));
  }

  @Test
  void tarCopiesATreeInAndOutUnchanged() {
    roundTrip("tar", TAR, TAR, sampleTree("tar"));
  }

  @Test
  void cpArchiveCopiesATreeInAndOutUnchanged() {
    roundTrip("cp", CP, CP, sampleTree("cp"));
  }

  @Test
  void rsyncCopiesATreeInAndOutUnchangedAndFindsNothingToDoAfter() {
    Path src = sampleTree("rsync");
    roundTrip("rsync", RSYNC, RSYNC, src);
    Path inMount = mount.dir.resolve("rsync");
    sh("echo changed >> \"$1\"/small.txt; rm \"$1\"/links/two; mkdir \"$1\"/new-dir; echo new > \"$1\"/new-dir/f",
        src);
    sh("rsync -aHS --delete \"$1\"/ \"$2\"/", src, inMount);
    // An update with -H leaves directory times unset, on a local disk too (rsync's checksum pass below sees no
    // difference either): directories' mtimes are not compared here.
    same(src, inMount, "--ignore", "dirmtime");
    Cmd.Result again = sh("rsync -aHSc --delete --dry-run --itemize-changes \"$1\"/ \"$2\"/", src, inMount);
    assertTrue(again.out().isBlank(), "rsync finds nothing left to copy, by checksum:\n" + again.out());
  }

  @Test
  void specialFilesSurviveTarCpAndRsync() {
    Path src = sampleTree("special", "--special");
    roundTrip("special-tar", TAR, TAR, src);
    roundTrip("special-cp", CP, CP, src);
    roundTrip("special-rsync", RSYNC, RSYNC, src);
  }

  @Test
  void extendedAttributesAndAclsSurviveTarCpAndRsync() {
    Path src = sampleTree("xattrs", "--xattrs", "--acls");
    roundTrip("xattrs-tar", TAR_XATTRS, TAR_XATTRS, src, "--xattrs", "--acls");
    roundTrip("xattrs-cp", CP, CP, src, "--xattrs", "--acls");
    roundTrip("xattrs-rsync", RSYNC_XATTRS, RSYNC_XATTRS, src, "--xattrs", "--acls");
  }

  /** stress-ng's file system stressors, at once, each checking its own results where it can (--verify). */
  @Test
  void stressNgFileSystemStressorsPass() {
    Path dir = mount.dir.resolve("stress-ng");
    Cmd.must("mkdir", "-p", dir.toString());
    List<String> argv = new ArrayList<>(List.of("stress-ng", "--temp-path", dir.toString(), "--timeout", "8s",
        "--verify", "--log-brief", "--metrics-brief"));
    for (String s : List.of("dir", "dentry", "link", "symlink", "rename", "hdd", "seek", "open", "chmod", "fstat",
        "getdent", "lockf", "flock", "fcntl", "copy-file", "sync-file", "dirdeep", "dirmany", "filename",
        "fallocate", "iomix", "touch")) {
      argv.addAll(List.of("--" + s, "1"));
    }
    argv.addAll(List.of("--hdd-bytes", "8M", "--seek-size", "8M", "--dirdeep-dirs", "20", "--filename-opts",
        "posix", "--iomix-bytes", "8M"));
    Cmd.Result r = Cmd.run(Duration.ofMinutes(2), argv);
    assertEquals(0, r.exit(), r::describe);
    assertTrue(r.err().contains("successful run completed") || r.out().contains("successful run completed"),
        r::describe);
  }
}
