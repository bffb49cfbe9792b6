package dev.mortar.brick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.local.BrickDirectory;
import dev.mortar.common.acl.PosixAcl;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.LockRange;
import dev.mortar.common.brick.api.BrickRequest;
import dev.mortar.common.brick.api.RemoteBrick;
import dev.mortar.common.brick.api.Replies;
import dev.mortar.common.brick.api.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every brick operation through the event bus, with the errno each failure must give; on local disk here, on S3
 * in {@link S3BrickProtocolTest} (the same tests).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrickProtocolTest {
  private static final String VOL = "vol-id";
  /** LOCK's wait where a test does not care: longer than any lock in these tests is held. */
  private static final long WAIT = 30_000;

  @TempDir
  static Path dir;
  private Vertx vertx;
  private RemoteBrick brick;
  Path brickDir;

  @BeforeAll
  void deploy(Vertx vertx) throws Exception {
    this.vertx = vertx;
    BrickFrameCodec.register(vertx);
    brickDir = dir.resolve("brick");
    Files.createDirectories(dir.resolve("other"));
    vertx.deployVerticle(new BrickVerticle("v", VOL, 0, location(), "n1:" + location(), 24009,
            new SimpleMeterRegistry(), s3()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    brick = new RemoteBrick(vertx, Addresses.brick(VOL, 0), 10_000);
  }

  /** Where brick 0 keeps its files. */
  String location() {
    return brickDir.toString();
  }

  /** The node's object store settings (none for local disk). */
  dev.mortar.brick.storage.s3.S3Config s3() {
    return null;
  }

  /** The brick is a plain directory a person can read. */
  boolean onLocalDisk() {
    return true;
  }

  // ---- a tiny client ----

  private <R> R call(BrickRequest<R> request) {
    return BrickCalls.await(brick.call(request));
  }

  /** A frame as any sender may make it: for what the typed API cannot even express. */
  private void refused(JsonObject header) {
    errno(Errno.EINVAL, () -> BrickCalls.raw(vertx, brick.address(), header));
  }

  private static Requests.Mkdir mkdir(String path) {
    return new Requests.Mkdir(path, 0755, -1, -1, null, 0);
  }

  private static Requests.Create create(String path) {
    return create(path, null, false);
  }

  private static Requests.Create create(String path, String gfid, boolean exclusive) {
    return new Requests.Create(path, 0644, -1, -1, gfid, exclusive, 0, null, 0, Buffer.buffer());
  }

  /** A create that tries the file's write lock for {@code owner} first. */
  private static Requests.Create createLocked(String path, String owner, long dirty) {
    return new Requests.Create(path, 0644, -1, -1, null, false, dirty, owner, 10_000, Buffer.buffer());
  }

  private Attr attr(BrickRequest<Replies.AttrReply> request) {
    return call(request).attr();
  }

  private static void errno(Errno expected, Runnable r) {
    BrickException e = assertThrows(BrickException.class, r::run);
    assertEquals(expected, e.errno(), e.getMessage());
  }

  private Attr write(String path, long offset, String text) {
    return attr(new Requests.Write(path, offset, 0, null, Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
  }

  private String read(String path, long offset, int size) {
    return call(new Requests.Read(path, offset, size)).data().toString(StandardCharsets.ISO_8859_1);
  }

  private List<String> names(String dirPath) {
    List<String> out = new ArrayList<>();
    call(new Requests.Readdir(dirPath)).entries().forEach(e -> out.add(e.name()));
    out.sort(null);
    return out;
  }

  private FileMeta meta(String path) {
    return call(new Requests.MetaGet(path)).meta();
  }

  private FileMeta metaUpdate(String path, long dirty, long dataVersion, Map<Integer, Long> pending) {
    return call(new Requests.MetaUpdate(path, dirty, dataVersion, 0, pending)).meta();
  }

  // ---- tests ----

  @Test
  void filesAreWrittenReadAndKeptAsAPlainCopyOnDisk() throws Exception {
    Attr d = attr(new Requests.Mkdir("/data", 0750, -1, -1, null, 0));
    assertTrue(d.isDirectory());
    assertEquals(0750, d.mode() & 07777);
    assertNotNull(d.gfid());
    Attr f = call(new Requests.Create("/data/dates.txt", 0640, -1, -1, null, true, 0, null, 0, Buffer.buffer()))
        .attr();
    assertTrue(f.isRegularFile());
    assertEquals(0640, f.mode() & 07777);
    write("/data/dates.txt", 0, "node1 - Mon\n");
    Attr after = write("/data/dates.txt", 12, "node1 - Tue\n");
    assertEquals(24, after.size());
    assertEquals("node1 - Mon\nnode1 - Tue\n", read("/data/dates.txt", 0, 4096));
    assertEquals("Tue\n", read("/data/dates.txt", 20, 100), "a read past the end is short");
    assertEquals("", read("/data/dates.txt", 1000, 10));
    if (onLocalDisk()) {
      assertEquals("node1 - Mon\nnode1 - Tue\n", Files.readString(brickDir.resolve("data/dates.txt")),
          "the brick is a plain, readable copy");
    }
    assertEquals(f.gfid(), attr(new Requests.Open("/data/dates.txt")).gfid(), "the file ID is stable");
    String chosen = "0f0e0d0c-0b0a-4908-8706-050403020100";
    assertEquals(chosen, call(create("/data/chosen", chosen, false)).attr().gfid(),
        "the client chooses the file ID, so every brick gives the file the same one");
    errno(Errno.EINVAL, () -> call(new Requests.Mkdir("/data/badid", 0755, -1, -1, "not-a-uuid", 0)));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/data/badid")));
    call(new Requests.Fsync("/data/dates.txt", false));
    // overwrite in the middle
    write("/data/dates.txt", 8, "Wed");
    assertEquals("node1 - Wed\nnode1 - Tue\n", read("/data/dates.txt", 0, 4096));
  }

  @Test
  void aCreateWithDataMakesTheFileWithItsFirstBytesAndNeverWritesAFileThatWasThere() throws Exception {
    String id = "1f0e0d0c-0b0a-4908-8706-050403020100";
    Attr made = call(new Requests.Create("/born-full", 0644, -1, -1, id, false, 1, null, 0,
        Buffer.buffer("first bytes\n"))).attr();
    assertEquals(id, made.gfid(), "made by this request");
    assertEquals(12, made.size(), "the answer has the size with the data");
    assertEquals("first bytes\n", read("/born-full", 0, 100));
    if (onLocalDisk()) {
      assertEquals("first bytes\n", Files.readString(brickDir.resolve("born-full")));
    }
    Attr kept = call(new Requests.Create("/born-full", 0644, -1, -1, UUID.randomUUID().toString(), false, 0, null, 0,
        Buffer.buffer("other"))).attr();
    assertEquals(id, kept.gfid(), "the file that was there is answered: another file ID than the one asked for");
    assertEquals("first bytes\n", read("/born-full", 0, 100), "and it is not written");
    errno(Errno.EINVAL, () -> call(new Requests.Create("/no-id", 0644, -1, -1, null, false, 0, null, 0,
        Buffer.buffer("data"))));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/no-id")));
  }

  @Test
  void manyUnlinksOfOneDirectoryGoInOneRequestAndEachNameThatFailedIsSaid() {
    call(mkdir("/gone"));
    call(mkdir("/gone/sub"));
    for (int i = 0; i < 4; i++) {
      call(create("/gone/f" + i));
    }
    List<Replies.FailedName> failed = call(new Requests.UnlinkMany("/gone",
        List.of("f0", "f1", "missing", "sub", "../f2", "f3"))).failed();
    Map<String, String> errnos = new java.util.TreeMap<>();
    failed.forEach(f -> errnos.put(f.name(), f.errno()));
    assertEquals(Map.of("missing", "ENOENT", "sub", "EISDIR", "../f2", "EINVAL"), errnos,
        "each name that was not unlinked, with its errno; a name that would leave the directory is refused");
    assertEquals(List.of("f2", "sub"), names("/gone").stream().sorted().toList(), "the others are gone");
  }

  @Test
  void readdirReturnsAttributesAndHidesTheBrickMetadata() {
    call(mkdir("/list"));
    for (int i = 0; i < 3; i++) {
      int n = i;
      call(create("/list/f" + i));
      write("/list/f" + i, 0, "x".repeat(n + 1));
    }
    List<Replies.DirEntry> entries = call(new Requests.Readdir("/list")).entries();
    assertEquals(3, entries.size());
    for (Replies.DirEntry e : entries) {
      assertEquals(Integer.parseInt(e.name().substring(1)) + 1, e.attr().size(), "sizes come with the names");
    }
    assertFalse(names("/").contains(BrickDirectory.META_DIR));
    List<String> bare = call(new Requests.ListNames("/list")).names();
    assertEquals(List.of("f0", "f1", "f2"), bare.stream().sorted().toList(),
        "a names-only listing has the same names");
    assertFalse(call(new Requests.ListNames("/")).names().contains(BrickDirectory.META_DIR));
    errno(Errno.ENOTDIR, () -> call(new Requests.ListNames("/list/f0")));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/.mortar")));
    errno(Errno.EACCES, () -> call(mkdir("/.mortar")));
    errno(Errno.EACCES, () -> call(new Requests.Readdir("/.mortar/index")));
    errno(Errno.ENOTDIR, () -> call(new Requests.Readdir("/list/f0")));
  }

  @Test
  void namespaceErrorsGiveTheErrnoAProgramExpects() {
    call(mkdir("/ns"));
    call(create("/ns/file"));
    errno(Errno.EEXIST, () -> call(mkdir("/ns")));
    errno(Errno.EEXIST, () -> call(create("/ns/file", null, true)));
    assertEquals(0, call(create("/ns/file")).attr().size(), "non-exclusive create keeps it");
    errno(Errno.EISDIR, () -> call(create("/ns")));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/ns/missing")));
    errno(Errno.ENOENT, () -> call(mkdir("/nope/sub")));
    errno(Errno.ENOTDIR, () -> call(mkdir("/ns/file/sub")));
    errno(Errno.EISDIR, () -> call(new Requests.Unlink("/ns")));
    errno(Errno.ENOTEMPTY, () -> call(new Requests.Rmdir("/ns")));
    errno(Errno.ENOTDIR, () -> call(new Requests.Rmdir("/ns/file")));
    errno(Errno.EISDIR, () -> call(new Requests.Open("/ns")));
    errno(Errno.EISDIR, () -> call(new Requests.Read("/ns", 0, 10)));
    errno(Errno.ENOENT, () -> write("/ns/missing", 0, "x"));
    errno(Errno.EBUSY, () -> call(new Requests.Rmdir("/")));
    call(new Requests.Unlink("/ns/file"));
    call(new Requests.Rmdir("/ns"));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/ns")));
  }

  @Test
  void renameReplacesMovesAcrossDirectoriesAndRefusesWhatRenameRefuses() {
    call(mkdir("/r"));
    call(mkdir("/r/a"));
    call(mkdir("/r/b"));
    call(create("/r/a/one"));
    write("/r/a/one", 0, "one");
    call(create("/r/b/two"));
    write("/r/b/two", 0, "two");
    String gfid = attr(new Requests.Lookup("/r/a/one")).gfid();
    call(new Requests.Rename("/r/a/one", "/r/b/two")); // across directories, replacing
    assertEquals("one", read("/r/b/two", 0, 10));
    assertEquals(gfid, attr(new Requests.Lookup("/r/b/two")).gfid(), "the file keeps its ID through a rename");
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/r/a/one")));
    call(create("/r/b/x"));
    errno(Errno.EISDIR, () -> call(new Requests.Rename("/r/b/x", "/r/a")));
    errno(Errno.ENOTDIR, () -> call(new Requests.Rename("/r/a", "/r/b/x")));
    errno(Errno.ENOTEMPTY, () -> call(new Requests.Rename("/r/a", "/r/b")));
    errno(Errno.EINVAL, () -> call(new Requests.Rename("/r/b", "/r/b/inside")));
    call(new Requests.Rename("/r/b", "/r/a")); // a directory over an empty one
    assertEquals(List.of("two", "x"), names("/r/a"));
  }

  @Test
  void hardLinksAndSymlinks() {
    call(create("/orig"));
    write("/orig", 0, "shared");
    Attr linked = attr(new Requests.Link("/orig", "/alias"));
    Attr orig = attr(new Requests.Lookup("/orig"));
    assertEquals(2, linked.nlink());
    assertEquals(orig.ino(), linked.ino());
    assertEquals(orig.gfid(), linked.gfid(), "two names, one file ID");
    errno(Errno.EEXIST, () -> call(new Requests.Link("/orig", "/alias")));
    call(mkdir("/ldir"));
    errno(Errno.EPERM, () -> call(new Requests.Link("/ldir", "/ldir2")));

    String target = "../../outside//etc/passwd/";
    Attr s = attr(symlink("/sym", target));
    assertTrue(s.isSymlink());
    assertNotNull(s.gfid(), "symlinks get a file ID too");
    assertEquals(target, call(new Requests.Readlink("/sym")).target(), "the target is stored exactly as given");
    errno(Errno.EINVAL, () -> call(new Requests.Readlink("/orig")));
    errno(Errno.EEXIST, () -> call(symlink("/sym", "x")));
    // never followed on the brick: not as the last component, not in the middle
    call(symlink("/out", dir.resolve("other").toString()));
    errno(Errno.ELOOP, () -> call(new Requests.Open("/out")));
    errno(Errno.ELOOP, () -> call(create("/out/escaped")));
    errno(Errno.ELOOP, () -> write("/out", 0, "x"));
    assertFalse(Files.exists(dir.resolve("other/escaped")), "nothing was written outside the brick");
    // a directory already used (and so checked) that is removed or renamed and replaced by a link is not followed
    call(mkdir("/was-dir"));
    call(mkdir("/moved-dir"));
    call(create("/was-dir/f"));
    call(create("/moved-dir/f"));
    call(new Requests.Unlink("/was-dir/f"));
    call(new Requests.Rmdir("/was-dir"));
    call(new Requests.Rename("/moved-dir", "/moved-dir-2"));
    for (String d : List.of("/was-dir", "/moved-dir")) {
      call(symlink(d, dir.resolve("other").toString()));
      errno(Errno.ELOOP, () -> call(create(d + "/escaped")));
    }
    assertFalse(Files.exists(dir.resolve("other/escaped")), "nothing was written outside the brick");
    call(new Requests.Unlink("/sym"));
    errno(Errno.ENOENT, () -> call(new Requests.Readlink("/sym")));
  }

  private static Requests.Symlink symlink(String path, String target) {
    return new Requests.Symlink(path, target, -1, -1, null);
  }

  @Test
  void fifosSocketsAndDeviceNodesAreMadeWithTheirTypeAndNumberAndHaveNoData() {
    call(mkdir("/kinds"));
    String id = UUID.randomUUID().toString();
    Attr fifo = attr(new Requests.Mknod("/kinds/fifo", Attr.S_IFIFO | 0640, 99, 1234, 5678, id, 0));
    assertEquals(Attr.S_IFIFO | 0640, fifo.mode());
    assertEquals(0, fifo.rdev(), "only a device has a number");
    assertEquals(id, fifo.gfid(), "the client's file ID, as for any entry");
    assertEquals(1234, fifo.uid());
    assertEquals(5678, fifo.gid());
    long nullDev = (1 << 8) | 3; // makedev(1, 3)
    Attr dev = attr(new Requests.Mknod("/kinds/null", Attr.S_IFCHR | 0666, nullDev, -1, -1, null, 0));
    assertEquals(Attr.S_IFCHR | 0666, dev.mode());
    assertEquals(nullDev, dev.rdev());
    assertEquals(7L << 8, attr(new Requests.Mknod("/kinds/loop", Attr.S_IFBLK | 0660, 7 << 8, -1, -1, null, 0)).rdev());
    assertEquals(Attr.S_IFSOCK, attr(new Requests.Mknod("/kinds/sock", Attr.S_IFSOCK | 0755, 0, -1, -1, null, 0)).mode()
        & Attr.S_IFMT);
    Map<String, Attr> listed = new HashMap<>();
    call(new Requests.Readdir("/kinds")).entries().forEach(e -> listed.put(e.name(), e.attr()));
    assertEquals(dev, listed.get("null"), "listed with its type and device number");
    assertEquals(dev, attr(new Requests.Lookup("/kinds/null")));
    call(new Requests.Mknod("/kinds/healed", Attr.S_IFIFO | 0644, 0, -1, -1, null, 1));
    assertEquals(1, meta("/kinds/healed").dirty(), "heal's entry is marked dirty, to be given its times next");

    errno(Errno.EEXIST, () -> call(new Requests.Mknod("/kinds/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null, 0)));
    errno(Errno.EINVAL, () -> call(new Requests.Mknod("/kinds/reg", Attr.S_IFREG | 0644, 0, -1, -1, null, 0)));
    errno(Errno.EINVAL, () -> call(new Requests.Mknod("/kinds/dir", Attr.S_IFDIR | 0755, 0, -1, -1, null, 0)));
    errno(Errno.ENOENT, () -> call(new Requests.Mknod("/nowhere/fifo", Attr.S_IFIFO | 0644, 0, -1, -1, null, 0)));
    // Never opened by the brick (a FIFO's open would wait for a writer): changed by path, its data refused.
    assertEquals(0600, attr(new Requests.Chmod("/kinds/fifo", 0600)).mode() & 07777);
    long t = 1_600_000_000_123_456_789L;
    assertEquals(t, attr(new Requests.Utimens("/kinds/fifo", t, t)).mtime());
    assertTrue(call(new Requests.ListXattr("/kinds/fifo")).names().isEmpty());
    errno(Errno.EPERM, () -> call(new Requests.SetXattr("/kinds/fifo", "user.x", 0, Buffer.buffer("v"))));
    call(new Requests.SetXattr("/kinds/fifo", "trusted.x", 0, Buffer.buffer("v")));
    assertEquals("v", call(new Requests.GetXattr("/kinds/fifo", "trusted.x")).data().toString(),
        "as ext4: only user.* is refused on a FIFO");
    errno(Errno.EINVAL, () -> call(new Requests.Open("/kinds/fifo")));
    errno(Errno.EINVAL, () -> write("/kinds/fifo", 0, "x"));
    errno(Errno.EINVAL, () -> call(new Requests.Truncate("/kinds/fifo", 0L)));

    Attr linked = attr(new Requests.Link("/kinds/fifo", "/kinds/fifo-link"));
    assertEquals(2, linked.nlink());
    assertEquals(id, linked.gfid());
    call(new Requests.Rename("/kinds/fifo-link", "/kinds/fifo-moved"));
    assertEquals(id, attr(new Requests.Lookup("/kinds/fifo-moved")).gfid(), "a rename keeps the file ID");
    call(new Requests.Unlink("/kinds/fifo"));
    call(new Requests.Unlink("/kinds/fifo-moved"));
    errno(Errno.ENOENT, () -> call(new Requests.Lookup("/kinds/fifo-moved")));
  }

  @Test
  void attributesAreSetAsAsked() {
    call(create("/attrs"));
    assertEquals(0600, attr(new Requests.Chmod("/attrs", 0600)).mode() & 07777);
    Attr owned = attr(new Requests.Chown("/attrs", 1234, 5678));
    assertEquals(1234, owned.uid());
    assertEquals(5678, owned.gid());
    assertEquals(1234, attr(new Requests.Chown("/attrs", -1, 42)).uid(), "-1 keeps uid");
    long t = 1_600_000_000_123_456_789L;
    Attr timed = attr(new Requests.Utimens("/attrs", t, t + 1));
    assertEquals(t, timed.atime());
    assertEquals(t + 1, timed.mtime());
    Attr kept = attr(new Requests.Utimens("/attrs", Requests.Utimens.NOW, Requests.Utimens.OMIT));
    assertEquals(t + 1, kept.mtime(), "omitted time kept");
    assertTrue(kept.atime() > t, "now");

    Attr trunc = attr(new Requests.Truncate("/attrs", 5L << 30));
    assertEquals(5L << 30, trunc.size(), "sparse past 4 GiB");
    assertTrue(trunc.blocks() > 0);
    write("/attrs", (5L << 30) - 3, "end");
    assertEquals("end", read("/attrs", (5L << 30) - 3, 10));
    assertEquals(3, attr(new Requests.Truncate("/attrs", 3L)).size());

    Replies.StatfsReply fs = call(Requests.Statfs.INSTANCE);
    assertTrue(fs.blocks() > 0 && fs.blockSize() > 0);
    assertEquals(255, fs.maxNameLength());
  }

  @Test
  void extendedAttributesOfTheUserButNeverOursShowThrough() {
    call(create("/xa"));
    byte[] value = {0, 1, 2, (byte) 255};
    call(new Requests.SetXattr("/xa", "user.colour", 0, Buffer.buffer(value)));
    assertArrayEquals(value, call(new Requests.GetXattr("/xa", "user.colour")).data().getBytes());
    assertEquals(List.of("user.colour"), call(new Requests.ListXattr("/xa")).names(),
        "user.mortar.meta is not listed");
    errno(Errno.EEXIST, () -> call(new Requests.SetXattr("/xa", "user.colour", Requests.SetXattr.CREATE,
        Buffer.buffer("x"))));
    errno(Errno.ENODATA, () -> call(new Requests.SetXattr("/xa", "user.size", Requests.SetXattr.REPLACE,
        Buffer.buffer("x"))));
    errno(Errno.ENODATA, () -> call(new Requests.GetXattr("/xa", "user.size")));
    errno(Errno.EACCES, () -> call(new Requests.GetXattr("/xa", "user.mortar.meta")));
    errno(Errno.EACCES, () -> call(new Requests.SetXattr("/xa", "user.mortar.meta", 0, Buffer.buffer("{}"))));
    errno(Errno.EOPNOTSUPP, () -> call(new Requests.SetXattr("/xa", "system.other", 0, Buffer.buffer("x"))));
    call(new Requests.RemoveXattr("/xa", "user.colour"));
    assertTrue(call(new Requests.ListXattr("/xa")).names().isEmpty());
  }

  @Test
  void trustedAndSecurityAttributesAreKeptAsUserOnesAre() {
    call(create("/xt"));
    call(new Requests.SetXattr("/xt", "trusted.origin", 0, Buffer.buffer("backup")));
    call(new Requests.SetXattr("/xt", "security.label", 0, Buffer.buffer("blue")));
    call(new Requests.SetXattr("/xt", "user.colour", 0, Buffer.buffer("red")));
    assertEquals(List.of("security.label", "trusted.origin", "user.colour"),
        call(new Requests.ListXattr("/xt")).names().stream().sorted().toList());
    assertEquals("backup", call(new Requests.GetXattr("/xt", "trusted.origin")).data().toString());
    errno(Errno.EEXIST, () -> call(new Requests.SetXattr("/xt", "trusted.origin", Requests.SetXattr.CREATE,
        Buffer.buffer("x"))));
    call(new Requests.RemoveXattr("/xt", "trusted.origin"));
    errno(Errno.ENODATA, () -> call(new Requests.GetXattr("/xt", "trusted.origin")));
  }

  @Test
  void aSymbolicLinkListsNoUserAttributesAndRefusesThemAsExt4Does() {
    call(symlink("/xl", "target"));
    assertTrue(call(new Requests.ListXattr("/xl")).names().isEmpty(), "listing succeeds, with nothing (rsync -X)");
    errno(Errno.ENODATA, () -> call(new Requests.GetXattr("/xl", "user.colour")));
    errno(Errno.EPERM, () -> call(new Requests.SetXattr("/xl", "user.colour", 0, Buffer.buffer("x"))));
    call(new Requests.SetXattr("/xl", "trusted.x", 0, Buffer.buffer("1")));
    assertEquals(List.of("trusted.x"), call(new Requests.ListXattr("/xl")).names());
  }

  /** user::rw- user:1000:rwx group::r-- mask::rwx other::r-- */
  private static PosixAcl namedUserAcl() {
    return new PosixAcl(List.of(new PosixAcl.Entry(PosixAcl.USER_OBJ, 6, -1), new PosixAcl.Entry(PosixAcl.USER, 7, 1000),
        new PosixAcl.Entry(PosixAcl.GROUP_OBJ, 4, -1), new PosixAcl.Entry(PosixAcl.MASK, 7, -1),
        new PosixAcl.Entry(PosixAcl.OTHER, 4, -1)));
  }

  @Test
  void anAccessAclSetsTheModeAndChmodSetsItsMaskAsOnExt4() {
    call(create("/acl"));
    call(new Requests.Chmod("/acl", 0600));
    byte[] acl = namedUserAcl().toBytes();
    call(new Requests.SetXattr("/acl", "system.posix_acl_access", 0, Buffer.buffer(acl)));
    assertEquals(0674, attr(new Requests.Lookup("/acl")).mode() & 07777, "the group bits are the mask");
    assertArrayEquals(acl, call(new Requests.GetXattr("/acl", "system.posix_acl_access")).data().getBytes());
    assertTrue(call(new Requests.ListXattr("/acl")).names().contains("system.posix_acl_access"));

    call(new Requests.Chmod("/acl", 0640));
    PosixAcl after = PosixAcl.parse(call(new Requests.GetXattr("/acl", "system.posix_acl_access")).data().getBytes());
    assertEquals(namedUserAcl().withMode(0640), after, "chmod set the mask to r--; user:1000 keeps rwx");

    call(new Requests.SetXattr("/acl", "system.posix_acl_access", 0, Buffer.buffer(PosixAcl.ofMode(0751).toBytes())));
    assertEquals(0751, attr(new Requests.Lookup("/acl")).mode() & 07777);
    errno(Errno.ENODATA, () -> call(new Requests.GetXattr("/acl", "system.posix_acl_access")));
    // as ext4: removing an ACL a file does not have (setfacl -b, -k) is not an error
    call(new Requests.RemoveXattr("/acl", "system.posix_acl_access"));
    call(new Requests.RemoveXattr("/acl", "system.posix_acl_default"));

    errno(Errno.EINVAL, () -> call(new Requests.SetXattr("/acl", "system.posix_acl_access", 0,
        Buffer.buffer(new byte[] {2, 0, 0, 0, 1}))));
    errno(Errno.EACCES, () -> call(new Requests.SetXattr("/acl", "system.posix_acl_default", 0,
        Buffer.buffer(acl))));
    call(mkdir("/acldir"));
    call(new Requests.SetXattr("/acldir", "system.posix_acl_default", 0, Buffer.buffer(acl)));
    assertArrayEquals(acl, call(new Requests.GetXattr("/acldir", "system.posix_acl_default")).data().getBytes());
    assertEquals(0755, attr(new Requests.Lookup("/acldir")).mode() & 07777, "a default ACL leaves the mode");
  }

  @Test
  void hostilePathsAreRefused() {
    errno(Errno.EINVAL, () -> call(new Requests.Lookup("relative")));
    errno(Errno.EINVAL, () -> call(create("/../escape")));
    errno(Errno.EINVAL, () -> call(new Requests.Lookup("/a/../../etc/passwd")));
    errno(Errno.EINVAL, () -> call(new Requests.Lookup("/a/./b")));
    errno(Errno.EINVAL, () -> call(new Requests.Lookup("//double")));
    errno(Errno.EINVAL, () -> call(create("/nul\0byte")));
    errno(Errno.ENAMETOOLONG, () -> call(create("/" + "n".repeat(256))));
    errno(Errno.ENAMETOOLONG, () -> call(new Requests.Lookup("/a".repeat(2100))));
    errno(Errno.EINVAL, () -> call(symlink("/badlink", "a\0b")));
    errno(Errno.EINVAL, () -> call(new Requests.Read("/", 0, -1)));
    errno(Errno.EINVAL, () -> call(new Requests.Write("/x", -5L, 0, null, Buffer.buffer("x"))));
    errno(Errno.EINVAL, () -> call(new Requests.Rename("/", "/elsewhere")));
    Attr longest = call(create("/" + "n".repeat(255))).attr();
    assertEquals(1, longest.nlink(), "a 255-byte name is fine, and a new file has one name");
  }

  @Test
  void replicationCountersAreKeptAndTheHealIndexFollowsThem() throws Exception {
    call(create("/healme"));
    FileMeta m0 = meta("/healme");
    assertTrue(m0.clean());
    assertEquals(attr(new Requests.Lookup("/healme")).gfid(), m0.gfid());

    FileMeta dirty = metaUpdate("/healme", 1, 1, Map.of());
    assertEquals(1, dirty.dirty());
    assertTrue(indexGfids().contains(m0.gfid()), "a write in flight is in the heal index");

    FileMeta blamed = metaUpdate("/healme", -1, 0, Map.of(1, 1L));
    assertEquals(0, blamed.dirty());
    assertEquals(1L, blamed.pending().get(1), "brick 1 missed the write");
    assertTrue(indexGfids().contains(m0.gfid()));

    assertEquals(List.of(1), call(Requests.Status.INSTANCE).blames(),
        "STATUS tells clients that brick 1 is blamed, so they read nothing from it until it is healed");

    errno(Errno.EINVAL, () -> metaUpdate("/healme", -1, 0, Map.of()));
    FileMeta healed = metaUpdate("/healme", 0, 0, Map.of(1, -1L));
    assertTrue(healed.clean());
    assertEquals(1, healed.dataVersion());
    assertFalse(indexGfids().contains(m0.gfid()), "clean again: out of the index");
    assertTrue(call(Requests.Status.INSTANCE).blames().isEmpty(), "nobody blamed");

    // a blamed file that is deleted leaves the index with it
    metaUpdate("/healme", 0, 0, Map.of(1, 1L));
    call(new Requests.Unlink("/healme"));
    assertFalse(indexGfids().contains(m0.gfid()));

    if (!onLocalDisk()) {
      return;
    }
    // files put into the brick by hand get an ID on first use
    Files.writeString(brickDir.resolve("byhand"), "x");
    assertNotNull(meta("/byhand").gfid());
  }

  @Test
  void theHealIndexNamesABlamedFileWhereItIsAfterARename() throws Exception {
    call(mkdir("/hint-dir"));
    call(create("/hint-dir/inner"));
    call(create("/hint-file"));
    for (String p : List.of("/hint-dir/inner", "/hint-file")) {
      metaUpdate(p, 0, 0, Map.of(1, 1L));
    }
    String inner = attr(new Requests.Lookup("/hint-dir/inner")).gfid();
    String file = attr(new Requests.Lookup("/hint-file")).gfid();

    // The healer of this brick looks for what it blames under the names the index gives.
    call(new Requests.Rename("/hint-file", "/hint-file-renamed"));
    call(new Requests.Rename("/hint-dir", "/hint-dir-renamed"));
    assertEquals("/hint-file-renamed", indexed().get(file).path());
    assertEquals("/hint-dir-renamed/inner", indexed().get(inner).path());
    assertNotNull(indexed().get(inner).meta(), "the entry carries the file's counters");

    if (!onLocalDisk()) {
      return; // the object store's index is made from its namespace: no hint to go stale
    }
    // A hint gone stale (a rename that raced with a counter update) is found again by the file's ID, and the
    // entry of a file that is gone from the brick is dropped.
    Path entries = brickDir.resolve(".mortar/index");
    Files.writeString(entries.resolve(file), "/somewhere-else");
    String gone = UUID.randomUUID().toString();
    Files.writeString(entries.resolve(gone), "/never-was");
    Map<String, Replies.IndexEntry> after = indexed();
    assertEquals("/hint-file-renamed", after.get(file).path());
    assertFalse(after.containsKey(gone), "an entry whose file is gone is dropped: " + after.keySet());
    assertEquals("/hint-file-renamed", Files.readString(entries.resolve(file)), "the hint is rewritten");

    for (String p : List.of("/hint-dir-renamed/inner", "/hint-file-renamed")) {
      metaUpdate(p, 0, 0, Map.of(1, -1L));
    }
    assertFalse(indexed().containsKey(file), "healed: out of the index");
  }

  /** The heal index by file ID. */
  private Map<String, Replies.IndexEntry> indexed() {
    Map<String, Replies.IndexEntry> out = new HashMap<>();
    call(Requests.IndexList.INSTANCE).entries().forEach(e -> out.put(e.gfid(), e));
    return out;
  }

  private List<String> indexGfids() {
    return call(Requests.IndexList.INSTANCE).entries().stream().map(Replies.IndexEntry::gfid).toList();
  }

  @Test
  void aStuckDiskStallsOnlyItsOwnBrick() throws Exception {
    Path slowDir = dir.resolve("slow-brick");
    vertx.deployVerticle(new BrickVerticle("v", VOL, 1, slowDir, "n1:" + slowDir, 24009, new SimpleMeterRegistry()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    RemoteBrick slow = new RemoteBrick(vertx, Addresses.brick(VOL, 1), 30_000);
    Path fifo = slowDir.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    // Opening a FIFO for reading blocks until a writer comes: it fills every worker of the slow brick.
    List<io.vertx.core.Future<?>> stuck = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      stuck.add(slow.read(new Requests.Read("/fifo", 0, 1)));
    }
    Thread.sleep(300);
    long t0 = System.nanoTime();
    call(new Requests.Lookup("/"));
    Replies.StatusReply status = BrickCalls.await(slow.status(Requests.Status.INSTANCE));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(status.online(), "the stuck brick still answers status (event loop free)");
    assertTrue(ms < 2_000, "the other brick answered in " + ms + " ms while one brick's disk was stuck");
    // Release the readers: opened read-write, a FIFO never blocks and counts as a writer; one byte each.
    try (var w = java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      w.write(java.nio.ByteBuffer.wrap(new byte[12]));
      io.vertx.core.Future.join(stuck).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void checksumsTellWhichWindowsDiffer() {
    call(create("/sums"));
    call(new Requests.Write("/sums", 0L, 0, null, Buffer.buffer("aaaabbbb")));
    Replies.ChecksumReply first = call(new Requests.Checksum("/sums", 0L, 4));
    Replies.ChecksumReply second = call(new Requests.Checksum("/sums", 4L, 4));
    assertEquals(4, first.size());
    assertFalse(first.sum().equals(second.sum()));
    assertEquals(first.sum(), call(new Requests.Checksum("/sums", 0L, 4)).sum(), "the same bytes, the same digest");
    assertEquals(0, call(new Requests.Checksum("/sums", 100L, 4)).size(), "nothing past the end");
  }

  @Test
  void writeLocksAreTriedWaitedForReleasedAndExpire() throws Exception {
    call(create("/locked"));
    call(new Requests.Lock("/locked", "expiry-a", 10_000, WAIT));
    long t0 = System.nanoTime();
    errno(Errno.EAGAIN, () -> call(new Requests.Lock("/locked", "expiry-b", 10_000, 0)));
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1_000), "a try answers at once");
    call(new Requests.Lock("/locked", "expiry-a", 10_000, 0)); // its own: renewed
    errno(Errno.EAGAIN, () -> call(new Requests.Lock("/locked", "expiry-b", 10_000, 200)));
    vertx.setTimer(300, t -> brick.unlock(new Requests.Unlock("/locked", "expiry-a")));
    call(new Requests.Lock("/locked", "expiry-b", 300, 5_000));
    t0 = System.nanoTime();
    call(new Requests.Lock("/locked", "expiry-c", 10_000, 5_000));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "c got it when b's lease ran out");
  }

  @Test
  void aWriteDelayedPastItsLostLeaseIsRefusedAndOverwritesNothing() throws Exception {
    call(create("/fenced"));
    call(new Requests.Lock("/fenced", "late-a", 200, WAIT));
    call(new Requests.Write("/fenced", 0L, 0, "late-a", Buffer.buffer("a-line\n")));
    // a is cut off: its lease runs out, b takes the lock and appends
    call(new Requests.Lock("/fenced", "late-b", 10_000, 5_000));
    errno(Errno.ESTALE, () -> call(new Requests.Write("/fenced", 7L, 0, "late-c",
        Buffer.buffer("c-line\n")))); // nobody writes under another's lock
    call(new Requests.Write("/fenced", 7L, 0, "late-b", Buffer.buffer("b-line\n")));
    call(new Requests.Unlock("/fenced", "late-b"));
    // the network is back: what a sent before the cut arrives, at the offset b wrote
    errno(Errno.ESTALE, () -> call(new Requests.Write("/fenced", 7L, 0, "late-a", Buffer.buffer("a-late\n"))));
    errno(Errno.ESTALE, () -> call(new Requests.Lock("/fenced", "late-a", 10_000, 0)));
    assertEquals("a-line\nb-line\n", read("/fenced", 0, 100));
    // a lease that ran out while nobody else wanted the lock: the writer goes on (a slow renewal is no cut)
    call(new Requests.Lock("/fenced", "late-d", 100, WAIT));
    Thread.sleep(300);
    call(new Requests.Write("/fenced", 14L, 0, "late-d", Buffer.buffer("d-line\n")));
    call(new Requests.Lock("/fenced", "late-d", 10_000, 0)); // renewed
    assertEquals("a-line\nb-line\nd-line\n", read("/fenced", 0, 100));
  }

  private void flock(String gfid, String owner, Requests.FlockType type, long lease) {
    call(new Requests.Flock(gfid, owner, type, lease));
  }

  @Test
  void flocksAreSharedOrExclusivePerFileIdAndRunOutWithTheirLease() throws Exception {
    String file = java.util.UUID.randomUUID().toString();
    flock(file, "m1/1", Requests.FlockType.SHARED, 10_000);
    flock(file, "m2/1", Requests.FlockType.SHARED, 10_000);
    errno(Errno.EAGAIN, () -> flock(file, "m3/1", Requests.FlockType.EXCLUSIVE, 10_000));
    errno(Errno.EAGAIN, () -> flock(file, "m1/1", Requests.FlockType.EXCLUSIVE, 10_000)); // m2 shares it
    flock(java.util.UUID.randomUUID().toString(), "m3/1", Requests.FlockType.EXCLUSIVE, 10_000); // another file
    flock(file, "m2/1", Requests.FlockType.UNLOCK, 0);
    flock(file, "m1/1", Requests.FlockType.EXCLUSIVE, 1_000); // the only holder converts
    errno(Errno.EAGAIN, () -> flock(file, "m2/1", Requests.FlockType.SHARED, 10_000));
    long t0 = System.nanoTime();
    while (true) { // m1's mount stopped renewing: its lock goes with the lease
      try {
        flock(file, "m2/1", Requests.FlockType.EXCLUSIVE, 10_000);
        break;
      } catch (BrickException busy) {
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the lease runs out: " + busy);
        Thread.sleep(50);
      }
    }
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(800), "not before the lease ran out");
    refused(new JsonObject().put("op", "FLOCK").put("gfid", file).put("owner", "m2/1").put("type", "rw")
        .put("lease", 10_000));
    refused(new JsonObject().put("op", "FLOCK").put("owner", "m2/1"));
  }

  private void recordLocks(String gfid, String owner, List<LockRange> ranges) {
    call(new Requests.RecordLocks(gfid, owner, 10_000, ranges));
  }

  @Test
  void recordLocksExcludeOtherOwnersWhereTheyConflictAndAreProbed() {
    var w = new LockRange(0, 9, true);
    String file = java.util.UUID.randomUUID().toString();
    recordLocks(file, "p1", List.of(w));
    recordLocks(file, "p2", List.of(new LockRange(10, 19, true))); // beside it
    errno(Errno.EAGAIN, () -> recordLocks(file, "p3", List.of(new LockRange(5, 5, false))));
    Replies.ProbeReply probe = call(new Requests.ProbeRecordLock(file, "p3", new LockRange(0, 100, false)));
    assertEquals(w, probe.conflict(), "F_GETLK names the lock in the way");
    recordLocks(file, "p1", List.of()); // all given up
    recordLocks(file, "p3", List.of(new LockRange(5, 5, false)));
    refused(new JsonObject().put("op", "RECORD_LOCK").put("gfid", file).put("owner", "p3").put("lease", 10_000)
        .put("ranges", new JsonArray().add(new JsonObject().put("start", 9).put("end", 2).put("write", true))));
  }

  @Test
  void createTakesTheLockAndMarksTheNewFileDirtyInOneRequest() throws Exception {
    Replies.CreateReply made = call(createLocked("/new", "a", 1));
    assertEquals(true, made.locked());
    assertEquals(1, meta("/new").dirty());
    errno(Errno.EAGAIN, () -> call(new Requests.Lock("/new", "b", 10_000, 0)));
    // Another writer's create of the same file keeps the file and says it did not get the lock.
    assertEquals(false, call(createLocked("/new", "b", 0)).locked());
    // A create that fails gives the lock it took back.
    errno(Errno.EEXIST, () -> call(new Requests.Create("/new", 0644, -1, -1, java.util.UUID.randomUUID().toString(),
        true, 0, "c", 10_000, Buffer.buffer())));
    // The session's end: the dirty mark goes, then the lock, in one request.
    call(new Requests.EndSessions(List.of(new Requests.SessionEnd("/new", true, "a", null))));
    assertEquals(0, meta("/new").dirty());
    call(new Requests.Lock("/new", "d", 10_000, 0)); // a and c hold nothing
  }

  @Test
  void manyWriteSessionsEndInOneRequestMarksFirstThenLocks() {
    for (String f : List.of("/s1", "/s2")) {
      call(createLocked(f, "w" + f, 1));
    }
    call(create("/s3"));
    call(new Requests.Lock("/s3", "w/s3", 10_000, WAIT));
    List<Requests.SessionEnd> sessions = List.of(
        new Requests.SessionEnd("/s1", true, "w/s1", null),
        new Requests.SessionEnd("/s2", true, null, null), // its lock is kept
        new Requests.SessionEnd("/s3", false, "w/s3", null), // lock only
        new Requests.SessionEnd("/gone", true, "x", null));
    List<String> failed = call(new Requests.EndSessions(sessions)).failed();
    assertEquals(1, failed.size(), "only the missing file's mark failed: " + failed);
    assertTrue(failed.get(0).startsWith("/gone"), failed.toString());
    for (String f : List.of("/s1", "/s2", "/s3")) {
      assertEquals(0, meta(f).dirty(), f + " is clean");
    }
    List<Replies.IndexEntry> index = call(Requests.IndexList.INSTANCE).entries();
    assertTrue(index.stream().map(Replies.IndexEntry::path).noneMatch(p -> p.startsWith("/s")),
        "no heal-index entry is left for them: " + index);
    call(new Requests.Lock("/s1", "n", 10_000, 0));
    call(new Requests.Lock("/s3", "n", 10_000, 0));
    errno(Errno.EAGAIN, () -> call(new Requests.Lock("/s2", "n", 10_000, 0)));
  }
}
