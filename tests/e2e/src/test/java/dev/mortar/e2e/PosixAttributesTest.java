package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attributes as a local disk gives them: a replica-2 volume of two nodes, mounted through each node (two clients),
 * and every case run as the same shell commands on the mount and on a local directory, whose outputs must agree:
 * link counts on every name of a file, the times of files and of their directories after each operation (and no
 * change after it that the program did not make), utimensat of one time, of now, and of times before 1970 and
 * after 2038, the set-group-ID and sticky rules for other users, and rsync -aH of a real tree with nothing left to
 * do after it. The other mount must show the same within the attribute-cache time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosixAttributesTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();
  /** performance.md-cache-timeout, and a margin for a busy machine. */
  private static final Duration CACHE_TIME = Duration.ofSeconds(1);
  private static final Duration OTHER_MOUNT_LIMIT = CACHE_TIME.plusSeconds(2);

  private LocalNodes nodes;
  /** The mounts through node1 and node2, under a directory other users can walk to. */
  private FuseMount a;
  private FuseMount b;
  private Path top;
  /** A directory of the local disk, to compare with. */
  private Path local;

  // ---- what S3PosixAttributesTest changes ----

  Map<String, String> nodeEnvironment() {
    return Map.of();
  }

  String brickSpec(int i, String vol) {
    return nodes.brick(i, vol);
  }

  String nodeHost(int i) {
    return nodes.host(i);
  }

  @BeforeAll
  void start() throws IOException {
    FuseMount.requireFuse();
    E2e.requireTools(Map.of("rsync", "rsync", "setpriv", "util-linux", "setfattr", "attr"));
    nodes = LocalNodes.start(getClass().getSimpleName(), 2, LOGS, nodeEnvironment());
    nodes.replicaTwo("attrs", brickSpec(1, "attrs"), brickSpec(2, "attrs"));
    top = walkable(Files.createTempDirectory(Path.of("/tmp"), "mortar-posix"));
    local = walkable(Files.createTempDirectory(Path.of("/var/tmp"), "mortar-posix-local"));
    Path logs = E2e.logDir(getClass().getSimpleName());
    List<String> allowOther = List.of("-o", "allow_other");
    a = FuseMount.mount(nodes.host(1) + ":/attrs", top.resolve("a"), logs.resolve("mount-a.log"), allowOther);
    b = FuseMount.mount(nodes.host(2) + ":/attrs", top.resolve("b"), logs.resolve("mount-b.log"), allowOther);
  }

  private static Path walkable(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  @AfterAll
  void stop() {
    FuseMount.closeAll(a, b);
    if (nodes != null) {
      nodes.close();
    }
    for (Path p : new Path[] {top, local}) {
      if (p != null) {
        Cmd.run(Duration.ofSeconds(60), "rm", "-rf", p.toString());
      }
    }
  }

  // ---- running the same commands here and there ----

  /** Runs {@code script} with bash in {@code dir} (its $1 too); its output, stderr included. */
  private static String run(Path dir, String script) {
    Cmd.Result r = Cmd.run(Duration.ofSeconds(300), "bash", "-c", "cd \"$1\" || exit 99\n" + script, "_",
        dir.toString());
    assertTrue(r.exit() != 99, r::describe);
    return r.out() + r.err();
  }

  /**
   * Runs {@code script} in a fresh directory {@code name} of the local disk and of mount a; the mount's output must
   * be the local disk's. Returns it.
   */
  private String sameAsLocalDisk(String name, String script) throws IOException {
    Path here = walkable(Files.createDirectory(local.resolve(name)));
    Path there = walkable(Files.createDirectory(a.dir.resolve(name)));
    String expected = run(here, script);
    String got = run(there, script);
    assertEquals(expected, got, name + ": the mount (second) must give what the local disk (first) gives");
    return got;
  }

  /** Every entry under {@code dir} with its times to the nanosecond, link count, owner and mode. */
  private static String fullStat(Path dir) {
    return run(dir, "find . -exec stat -c '%n a=%x m=%y c=%z n=%h %u:%g %A' {} + | sort");
  }

  /**
   * After the case's commands: the times under {@code name} stay as they are (nothing this mount does later, the
   * end of a write, a create or unlink sent behind, moves them), and mount b shows the same within the cache time.
   */
  private void stillTheSameLaterAndOnTheOtherMount(String name) throws InterruptedException {
    Thread.sleep(300); // what the mount sends behind has been answered
    String now = fullStat(a.dir.resolve(name));
    Thread.sleep(CACHE_TIME.toMillis() + 500);
    assertEquals(now, fullStat(a.dir.resolve(name)), name + ": changed later by nobody's doing");
    Eventually.await(name + " on the other mount", OTHER_MOUNT_LIMIT, () -> fullStat(b.dir.resolve(name)),
        now::equals);
  }

  // ---- the cases ----

  @Test
  void everyNameOfAFileShowsItsLinkCountAndTheOtherMountWithinTheCacheTime() throws Exception {
    String out = sameAsLocalDisk("links", """
        echo x > f; stat -c '%n %h' f
        ln f g; stat -c '%n %h' f g
        echo y > h; ln h h2; ln h h3; stat -c '%n %h' h h2 h3
        mv g h; stat -c '%n %h' f h h2 h3
        ls -l | awk 'NF > 2 {print $2, $NF}'
        rm h2; stat -c '%n %h' f h h3
        [ "$(stat -c %i f)" = "$(stat -c %i h)" ] && echo f and h are one file
        [ "$(stat -c %i f)" != "$(stat -c %i h3)" ] && echo h3 is another
        """);
    assertTrue(out.contains("f and h are one file"), out);
    // The other mount knows the names already; a link made and one removed show there within the cache time.
    Path there = b.dir.resolve("links");
    assertEquals("f 2\nh 2\nh3 1\n", run(there, "stat -c '%n %h' f h h3"));
    run(a.dir.resolve("links"), "ln h3 h4; rm h");
    Eventually.await("the other mount's link counts", OTHER_MOUNT_LIMIT,
        () -> run(there, "stat -c '%n %h' f h3 h4"), "f 1\nh3 2\nh4 2\n"::equals);
    stillTheSameLaterAndOnTheOtherMount("links");
  }

  /**
   * For each operation and each path looked at (OLD>NEW where it is renamed): C if its mtime or ctime changed,
   * = if not, and its link count before and after.
   */
  private static final String TIMES_AFTER_EACH_OPERATION = """
      mkdir p q
      snap() { stat -c '%y|%z|%h' "$1" 2>/dev/null; }
      same() { [ "$1" = "$2" ] && echo = || echo C; }
      op() { # what, the paths to look at, the command
        local what=$1 paths=$2 p i=0 line before=(); shift 2
        for p in $paths; do before+=("$(snap "${p%%>*}")"); done
        sleep 0.05; "$@"; line="$what:"
        for p in $paths; do
          IFS='|' read -r m0 c0 n0 <<<"${before[$i]}"; IFS='|' read -r m1 c1 n1 <<<"$(snap "${p##*>}")"
          line+=" $p mtime $(same "$m0" "$m1") ctime $(same "$c0" "$c1") links $n0-$n1;"; i=$((i+1))
        done
        echo "$line"
      }
      echo a > p/f
      op create 'p/new p' touch p/new
      op create-and-write 'p/new2 p' sh -c 'echo x > p/new2'
      op write 'p/f p' sh -c 'echo b >> p/f'
      op truncate 'p/f p' truncate -s 1 p/f
      op chmod 'p/f p' chmod 600 p/f
      op chown 'p/f p' chown 1234:5678 p/f
      op utimensat 'p/f p' touch -a -d @1900000000 p/f
      op setxattr 'p/f p' setfattr -n user.x -v 1 p/f
      op link 'p/f q/l q p' ln p/f q/l
      op unlink-a-link 'p/f q' rm q/l
      op rename 'p/f>q/f p q' mv p/f q/f
      op rename-over 'p/new>q/f q/f p q' mv p/new q/f
      op mkdir 'p/d p' mkdir p/d
      op rename-directory 'p/d>q/d p q' mv p/d q/d
      op rmdir 'q p q' rmdir q/d
      op symlink 'p/s p' ln -s x p/s
      op unlink 'p' rm p/s
      op nothing 'q/f q' true
      op read 'q/f q' cat q/f
      """;

  @Test
  void timesOfAFileAndOfItsDirectoryMoveAfterEachOperationAsOnALocalDiskAndOnlyThen() throws Exception {
    sameAsLocalDisk("times", TIMES_AFTER_EACH_OPERATION);
    stillTheSameLaterAndOnTheOtherMount("times");
  }

  @Test
  void utimensatSetsOneTimeAloneNowAndTimesBefore1970AndAfter2038() throws Exception {
    String out = sameAsLocalDisk("utimensat", """
        show() { stat -c '%n atime %x mtime %y' "$@"; }
        touch -d @1000000000 f; ln -s f link
        touch -a -d @1900000000 f; show f
        touch -m -d @1900000001.5 f; show f
        touch -d '1960-01-01 00:00:00.25' f; show f
        touch -d '1969-12-31 23:59:59.999999999' f; show f
        touch -a -d @-1.5 f; show f
        touch -d @4102444800.123456789 f; show f
        touch -h -d '2050-01-01 00:00:00.123456789' link; show link
        before=$(date +%s%N); sleep 0.01; touch f; sleep 0.01; after=$(date +%s%N)
        a=$(stat -c %.9X f | tr -d .); m=$(stat -c %.9Y f | tr -d .)
        [ "$a" = "$m" ] && echo now: atime is mtime
        [ "${m: -9}" != 000000000 ] && [ "$m" -gt "$before" ] && [ "$m" -lt "$after" ] && echo now is now
        touch -d @1000 f; touch -a f; stat -c 'mtime %y' f; [ "$(stat -c %X f)" -gt 1000 ] && echo atime now
        """);
    assertTrue(out.contains("now is now") && out.contains("atime now"), out);
    stillTheSameLaterAndOnTheOtherMount("utimensat");
  }

  @Test
  void setGroupIdAndStickyRulesHoldForOtherUsersAsOnALocalDisk() throws Exception {
    String out = sameAsLocalDisk("perm", """
        as() { setpriv --reuid=$1 --regid=$1 --clear-groups "${@:2}" 2>&1 | sed 's/^[a-z]*: //'; }
        show() { stat -c '%n %A %u:%g' "$@"; }
        chmod 0777 .
        mkdir g; chown 0:4242 g; chmod 2777 g
        as 1000 touch g/f; as 1000 mkdir g/sub; as 1000 ln -s f g/link; as 1000 mkdir g/sub/deeper
        show g/f g/sub g/link g/sub/deeper
        as 1000 sh -c 'umask 0; : > g/x; chmod 2775 g/x'; show g/x
        touch h; chown 1000:4242 h; as 1000 chmod 2755 h; show h
        touch h2; chown 1000:1000 h2; as 1000 chmod 2755 h2; show h2
        touch w; chmod 6777 w; as 1000 sh -c 'echo x >> w'; show w
        touch t; chmod 6777 t; as 1000 truncate -s 0 t; show t
        touch t2; chmod 2757 t2; as 1000 sh -c 'echo x >> t2'; show t2
        touch c; chmod 6755 c; chown 1000 c; show c
        touch n; as 1000 chmod 777 n; show n
        mkdir st; chmod 1777 st; touch st/rootfile; as 1000 touch st/userfile; as 1000 touch st/other
        as 1000 rm -f st/rootfile; as 1000 mv st/rootfile st/x
        as 65534 rm -f st/userfile; as 65534 mv st/userfile st/y
        as 1000 rm st/userfile && echo the owner removed it
        chown 1000 st; as 1000 rm -f st/rootfile && echo the directory's owner removed root's file
        ls st
        """);
    assertTrue(out.contains("g/sub drwxr-sr-x 1000:4242"), out);
    stillTheSameLaterAndOnTheOtherMount("perm");
  }

  @Test
  void rsyncOfARealTreeLeavesNothingToDoOnEitherMount() throws Exception {
    Path source = Files.createDirectory(local.resolve("rsync-source"));
    try (Stream<Path> docs = Files.list(Path.of("/usr/share/doc"))) {
      for (Path p : docs.sorted().toList()) {
        if (count(source) >= 300) {
          break;
        }
        Cmd.must("cp", "-a", p.toString(), source.toString());
      }
    }
    assertTrue(count(source) >= 100, "/usr/share/doc holds too little to copy: " + count(source) + " entries");
    // Hard links and a directory whose times are set after its contents, as a backup restores them.
    run(source, """
        first=$(find . -type f | sort | head -3)
        i=0; for f in $first; do i=$((i+1)); ln "$f" "hard-link-$i"; ln "$f" "${f%/*}/another-link-$i"; done
        mkdir -p old/deep; echo old > old/deep/file; touch -d '1999-12-31 23:59:59.5' old/deep/file old/deep old
        """);
    Path target = a.dir.resolve("rsync");
    Cmd.Result copy = Cmd.run(Duration.ofSeconds(600), "rsync", "-aH", source + "/", target + "/");
    assertEquals(0, copy.exit(), copy::describe);
    E2e.note(count(source) + " entries copied with rsync -aH in " + copy.millis() + " ms");
    assertNothingToDo(source, target);
    Thread.sleep(CACHE_TIME.toMillis() + 500);
    assertNothingToDo(source, target);
    assertNothingToDo(source, b.dir.resolve("rsync"));
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.count();
    }
  }

  private static void assertNothingToDo(Path source, Path target) {
    Cmd.Result check = Cmd.run(Duration.ofSeconds(600), "rsync", "-n", "-aHi", "--checksum", source + "/",
        target + "/");
    assertEquals(0, check.exit(), check::describe);
    assertEquals("", check.out(), "rsync -n -aHi --checksum finds these differences with " + target);
  }
}
