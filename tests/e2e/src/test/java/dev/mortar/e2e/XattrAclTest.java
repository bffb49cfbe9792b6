package dev.mortar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
 * Extended attributes and POSIX ACLs through real FUSE mounts of a replica-2 volume, one mount through each node,
 * checked against what the same commands do on this machine's own ext4 ({@code rsync -aHAX}, setfacl, getfacl,
 * setfattr, getfattr, as root and as user 1000).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XattrAclTest {
  @RegisterExtension
  static final NodeLogs LOGS = new NodeLogs();
  private static final String USER = "1000";

  private LocalNodes nodes;
  /** Through node1 and through node2: what one mount changes, the other shows. */
  private FuseMount a;
  private FuseMount b;
  /** A directory on this machine's ext4, where each scenario runs too, for comparison. */
  private Path ext4;

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
  void start() throws Exception {
    FuseMount.requireFuse();
    E2e.requireTools(Map.of("setfacl", "acl", "setfattr", "attr", "rsync", "rsync", "setpriv", "util-linux"));
    nodes = LocalNodes.start(getClass().getSimpleName(), 2, LOGS, nodeEnvironment());
    nodes.replicaTwo("x2", brickSpec(1, "x2"), brickSpec(2, "x2"));
    Path mnt = nodes.work.resolve("mnt");
    Path logs = E2e.logDir(getClass().getSimpleName());
    List<String> allowOther = List.of("-o", "allow_other");
    a = FuseMount.mount(nodes.host(1) + ":/x2", mnt.resolve("a"), logs.resolve("mount-a.log"), allowOther);
    b = FuseMount.mount(nodes.host(2) + ":/x2", mnt.resolve("b"), logs.resolve("mount-b.log"), allowOther);
    ext4 = Files.createDirectories(nodes.work.resolve("ext4"));
    Cmd.must("chmod", "0777", ext4.toString(), a.dir.toString());
  }

  @AfterAll
  void stop() {
    FuseMount.closeAll(a, b);
    if (nodes != null) {
      nodes.close();
    }
  }

  /** A shell script as root, in {@code dir}, that must succeed; its output. */
  private static String sh(Path dir, String script) {
    Cmd.Result r = Cmd.run(Duration.ofSeconds(60), "sh", "-ec", "cd \"$1\"; " + script, "_", dir.toString());
    assertEquals(0, r.exit(), r::describe);
    return r.out();
  }

  /** A shell script as user {@code uid} (group the same, no other groups), in {@code dir}. */
  private static Cmd.Result as(String uid, Path dir, String script) {
    return Cmd.run(Duration.ofSeconds(60), "setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
        "sh", "-c", "cd \"$1\" && " + script, "_", dir.toString());
  }

  /** The same script in a fresh directory {@code name} on ext4 and on the volume (mount a): what each printed. */
  private List<String> onBoth(String name, String script) {
    List<String> out = new ArrayList<>();
    for (Path root : List.of(ext4, a.dir)) {
      Path d = root.resolve(name);
      sh(root, "rm -rf " + name + "; mkdir " + name);
      out.add(sh(d, script));
    }
    return out;
  }

  @Test
  void rsyncAhaxOfATreeWithASymlinkAnAclAndXattrsCopiesEverything() {
    Path src = ext4.resolve("rsync-src");
    sh(ext4, "rm -rf rsync-src; mkdir -p rsync-src/sub; cd rsync-src; echo data > file; echo more > sub/deep;"
        + " ln -s file link; ln file hardlink; setfattr -n user.colour -v red file;"
        + " setfattr -n trusted.origin -v backup sub/deep; setfacl -m u:" + USER + ":rw file;"
        + " setfacl -d -m g:" + USER + ":rx sub; chmod 0750 sub");
    Cmd.Result copy = Cmd.run(Duration.ofSeconds(120), "rsync", "-aHAX", src + "/", a.dir.resolve("tree") + "/");
    assertEquals(0, copy.exit(), copy::describe);
    // -O: directory modification times are left out (the mount does not keep them yet when files are made in
    // them after rsync set them: plain rsync -a shows the same).
    Cmd.Result check = Cmd.run(Duration.ofSeconds(120), "rsync", "-naHAXO", "--checksum", "-i", src + "/",
        b.dir.resolve("tree") + "/");
    assertEquals(0, check.exit(), check::describe);
    assertEquals("", check.out(), "rsync finds nothing to change through the other node's mount");
    String show = "getfacl -p . file hardlink sub sub/deep; getfattr -hd -m - . file hardlink link sub sub/deep";
    assertEquals(sh(src, show), sh(b.dir.resolve("tree"), show));
  }

  @Test
  void aSymbolicLinkListsNoAttributesAndRefusesUserOnesAsExt4Does() {
    List<String> out = onBoth("links", "touch f; ln -s f link; getfattr -h -d link; echo listed;"
        + " getfattr -h -n user.x link 2>&1 || true; setfattr -h -n user.x -v 1 link 2>&1 || true");
    assertEquals(out.get(0), out.get(1));
    assertTrue(out.get(1).contains("listed") && out.get(1).contains("No such attribute")
        && out.get(1).contains("Operation not permitted"), out.get(1));
  }

  @Test
  void setfaclSetsTheGroupBitsAndChmodSetsTheMask() {
    // The mode as stat(2) gives it (rsync, find): coreutils' stat and ls ask statx for fewer fields and may show
    // the kernel's cached mode for up to a second after setfacl.
    String mode = "find f -printf '%m\\n';";
    String script = "touch f; setfacl -m u:" + USER + ":rw f;" + mode + " chmod 0640 f; getfacl -n f;" + mode
        + " setfacl -m u:" + USER + ":rwx,m::rwx f;" + mode + " setfacl -b f; getfacl -n f;" + mode;
    List<String> out = onBoth("mask", script);
    assertEquals(out.get(0), out.get(1));
    assertTrue(out.get(1).contains("#effective:r--"), out.get(1));
    assertEquals(sh(a.dir.resolve("mask"), "getfacl -n f;" + mode), sh(b.dir.resolve("mask"), "getfacl -n f;" + mode),
        "node2's mount shows the same");
  }

  @Test
  void aDefaultAclIsInheritedWithTheCreateModeAndNotTheUmask() {
    String script = "mkdir d; setfacl -d -m u:" + USER + ":rwx d; umask 077; touch d/f; mkdir d/sub; touch d/sub/g;"
        + " (umask 022; mkdir -m 0700 d/private); mkdir plain; touch plain/h;"
        + " getfacl -n d d/f d/sub d/sub/g d/private plain plain/h; find d plain -printf '%m %p\\n' | sort";
    List<String> out = onBoth("inherit", script);
    assertEquals(out.get(0), out.get(1));
    assertTrue(out.get(1).contains("user:" + USER + ":rwx\t#effective:rw-"), out.get(1));
    String acls = "getfacl -n d d/f d/sub d/sub/g d/private";
    assertEquals(sh(a.dir.resolve("inherit"), acls), sh(b.dir.resolve("inherit"), acls));
  }

  @Test
  void aNamedUserEntryDecidesWhatThatUserMayDoOnBothMounts() {
    sh(a.dir, "rm -rf named; mkdir named; cd named; echo secret > granted; chmod 0600 granted;"
        + " setfacl -m u:" + USER + ":r granted; echo public > denied; chmod 0644 denied;"
        + " setfacl -m u:" + USER + ":- denied; printf '#!/bin/sh\\necho ran\\n' > tool; chmod 0700 tool;"
        + " setfacl -m u:" + USER + ":rx tool; echo log > append; chmod 0644 append;"
        + " setfacl -m u:" + USER + ":rw append; mkdir box; chmod 0700 box; setfacl -m u:" + USER + ":rwx box");
    for (FuseMount m : new FuseMount[] {a, b}) {
      Path d = m.dir.resolve("named");
      Cmd.Result read = as(USER, d, "cat granted");
      assertEquals(0, read.exit(), read::describe);
      assertEquals("secret\n", read.out());
      Cmd.Result refused = as(USER, d, "cat denied");
      assertTrue(refused.exit() != 0 && refused.err().contains("Permission denied"), refused::describe);
      Cmd.Result other = as("1001", d, "cat denied; cat granted");
      assertTrue(other.out().equals("public\n") && other.err().contains("Permission denied"), other::describe);
      Cmd.Result ran = as(USER, d, "./tool");
      assertEquals("ran\n", ran.out(), ran::describe);
      Cmd.Result wrote = as(USER, d, "echo " + m.dir.getFileName() + " >> append && touch box/mine && ls box");
      assertEquals(0, wrote.exit(), wrote::describe);
      Cmd.Result writeRefused = as(USER, d, "echo x >> denied");
      assertTrue(writeRefused.err().contains("Permission denied"), writeRefused::describe);
    }
    assertEquals("log\na\nb\n", sh(b.dir.resolve("named"), "cat append"), "through the mount that appended last");
  }

  /** FUSE passes no supplementary groups: the mount reads them, and a named-group entry lets their members in. */
  @Test
  void aNamedGroupEntryLetsInMembersOfThatGroupAsASupplementaryOne() {
    sh(a.dir, "rm -rf grouped; mkdir grouped; cd grouped; echo team > notes; chmod 0600 notes;"
        + " setfacl -m g:2000:r notes");
    Cmd.Result member = Cmd.run(Duration.ofSeconds(60), "setpriv", "--reuid=1001", "--regid=1001", "--groups=2000",
        "cat", b.dir.resolve("grouped/notes").toString());
    assertEquals("team\n", member.out(), member::describe);
    Cmd.Result outsider = as("1001", b.dir.resolve("grouped"), "cat notes");
    assertTrue(outsider.err().contains("Permission denied"), outsider::describe);
  }

  /**
   * Without an ACL the mode bits, owners and the sticky bit decide as before (the kernel no longer checks them for
   * the mount): user 1000 gets the same answers from every command as on ext4.
   */
  @Test
  void withoutAnAclUsersGetWhatTheModesGiveAsOnExt4() {
    String setup = "echo s > secret; chmod 600 secret; mkdir closed; echo x > closed/inner; chmod 700 closed;"
        + " mkdir listonly; touch listonly/known; chmod 711 listonly; mkdir sticky; chmod 1777 sticky;"
        + " touch sticky/roots; chmod 666 sticky/roots; echo w > writable; chmod 666 writable; chmod 755 .";
    String[] commands = {"cat secret", "cat closed/inner", "ls closed", "ls listonly", "cat listonly/known",
        "touch new", "rm sticky/roots", "mv sticky/roots sticky/mine", "chmod 777 writable",
        "touch -d 2000-01-01 writable", "touch writable", "chown 1000 writable", "chgrp 1000 writable",
        "echo more >> writable", "touch sticky/mine", "chmod 700 sticky/mine", "rm sticky/mine", "mkdir closed/x",
        "ln -s x new", "test -x closed", "test -r secret"};
    StringBuilder script = new StringBuilder();
    for (String c : commands) {
      script.append("if ").append(c).append(" 2>\"$err\"; then echo '").append(c)
          .append(": ok'; else echo '").append(c).append(": '\"$(cat \"$err\")\"; fi; ");
    }
    List<String> out = new ArrayList<>();
    for (Path root : List.of(ext4, a.dir)) {
      sh(root, "rm -rf modes; mkdir modes; cd modes; " + setup);
      Cmd.Result r = as(USER, root.resolve("modes"), "err=$(mktemp); " + script + "rm -f \"$err\"");
      out.add(r.out());
    }
    assertEquals(out.get(0), out.get(1));
    assertTrue(out.get(1).contains("cat secret: cat: secret: Permission denied")
        && out.get(1).contains("rm sticky/roots: rm: cannot remove 'sticky/roots': Operation not permitted"),
        out.get(1));
  }

  @Test
  void trustedAttributesAreRootsAloneAndSecurityOnesReadableByAll() {
    Path d = a.dir.resolve("trusted");
    sh(a.dir, "rm -rf trusted; mkdir trusted; chmod 0777 trusted; cd trusted; touch f; chmod 0666 f;"
        + " setfattr -n trusted.k -v root-only f; setfattr -n security.label -v blue f; setfattr -n user.u -v 1 f");
    assertTrue(sh(b.dir.resolve("trusted"), "getfattr -d -m - f").contains("trusted.k=\"root-only\""));
    Cmd.Result seen = as(USER, d, "getfattr -d -m - f");
    assertEquals(0, seen.exit(), seen::describe);
    assertFalse(seen.out().contains("trusted."), seen::describe);
    assertTrue(seen.out().contains("security.label=\"blue\"") && seen.out().contains("user.u=\"1\""), seen::describe);
    for (String name : List.of("trusted.k", "security.label")) {
      Cmd.Result set = as(USER, d, "setfattr -n " + name + " -v x f");
      assertTrue(set.err().contains("Operation not permitted"), set::describe);
    }
    Cmd.Result user = as(USER, d, "setfattr -n user.mine -v 2 f && getfattr -n user.mine --only-values f");
    assertEquals("2", user.out(), user::describe);
  }

  @Test
  void getfaclAndSetfaclAsAUserWorkOnTheirOwnFilesOnly() {
    Path d = a.dir.resolve("own");
    sh(a.dir, "rm -rf own; mkdir own; chmod 0777 own; touch own/roots");
    Cmd.Result own = as(USER, d, "touch mine && setfacl -m u:1001:r mine && getfacl -n mine");
    assertEquals(0, own.exit(), own::describe);
    assertTrue(own.out().contains("user:1001:r--"), own::describe);
    Cmd.Result others = as(USER, d, "getfacl -n roots >/dev/null && setfacl -m u:1001:r roots");
    assertTrue(others.exit() != 0 && others.err().contains("Operation not permitted"), others::describe);
    Cmd.Result read = as("1001", b.dir.resolve("own"), "cat mine && echo read");
    assertEquals("read\n", read.out(), read::describe);
  }
}
