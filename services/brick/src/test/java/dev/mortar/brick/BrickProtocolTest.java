package dev.mortar.brick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.brick.storage.local.BrickDirectory;
import dev.mortar.common.api.Addresses;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFields;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.BrickRequests;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
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
import java.util.function.Consumer;
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

  @TempDir
  static Path dir;
  private Vertx vertx;
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

  private BrickFrame call(int brick, BrickOp op, String path, Consumer<JsonObject> fields, Buffer data) {
    return BrickCalls.call(vertx, Addresses.brick(VOL, brick), op, path, fields, data);
  }

  private BrickFrame call(BrickOp op, String path, Consumer<JsonObject> fields) {
    return call(0, op, path, fields, Buffer.buffer());
  }

  private BrickFrame call(BrickOp op, String path) {
    return call(op, path, h -> { });
  }

  private Attr attr(BrickFrame f) {
    return Attr.fromJson(f.header().getJsonObject(BrickFields.ATTR));
  }

  private static void errno(Errno expected, Runnable r) {
    BrickException e = assertThrows(BrickException.class, r::run);
    assertEquals(expected, e.errno(), e.getMessage());
  }

  private Attr write(String path, long offset, String text) {
    return attr(call(0, BrickOp.WRITE, path, h -> h.put(BrickFields.OFFSET, offset),
        Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
  }

  private String read(String path, long offset, int size) {
    return call(BrickOp.READ, path, h -> h.put(BrickFields.OFFSET, offset).put(BrickFields.SIZE, size))
        .data().toString(StandardCharsets.ISO_8859_1);
  }

  private List<String> names(String dirPath) {
    List<String> out = new ArrayList<>();
    call(BrickOp.READDIR, dirPath).header().getJsonArray(BrickFields.ENTRIES)
        .forEach(o -> out.add(((JsonObject) o).getString("name")));
    out.sort(null);
    return out;
  }

  // ---- tests ----

  @Test
  void filesAreWrittenReadAndKeptAsAPlainCopyOnDisk() throws Exception {
    Attr d = attr(call(BrickOp.MKDIR, "/data", h -> h.put(BrickFields.MODE, 0750)));
    assertTrue(d.isDirectory());
    assertEquals(0750, d.mode() & 07777);
    assertNotNull(d.gfid());
    Attr f = attr(call(BrickOp.CREATE, "/data/dates.txt", h -> h.put(BrickFields.MODE, 0640)
        .put(BrickFields.EXCLUSIVE, true)));
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
    assertEquals(f.gfid(), attr(call(BrickOp.OPEN, "/data/dates.txt")).gfid(), "the file ID is stable");
    String chosen = "0f0e0d0c-0b0a-4908-8706-050403020100";
    assertEquals(chosen, attr(call(BrickOp.CREATE, "/data/chosen", h -> h.put(BrickFields.GFID, chosen))).gfid(),
        "the client chooses the file ID, so every brick gives the file the same one");
    errno(Errno.EINVAL, () -> call(BrickOp.MKDIR, "/data/badid", h -> h.put(BrickFields.GFID, "not-a-uuid")));
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/data/badid"));
    call(BrickOp.FSYNC, "/data/dates.txt");
    call(BrickOp.FLUSH, "/data/dates.txt");
    call(BrickOp.RELEASE, "/data/dates.txt");
    // overwrite in the middle
    write("/data/dates.txt", 8, "Wed");
    assertEquals("node1 - Wed\nnode1 - Tue\n", read("/data/dates.txt", 0, 4096));
  }

  @Test
  void aCreateWithDataMakesTheFileWithItsFirstBytesAndNeverWritesAFileThatWasThere() throws Exception {
    String id = "1f0e0d0c-0b0a-4908-8706-050403020100";
    Attr made = attr(call(0, BrickOp.CREATE, "/born-full", h -> h.put(BrickFields.GFID, id).put(BrickFields.DIRTY, 1),
        Buffer.buffer("first bytes\n")));
    assertEquals(id, made.gfid(), "made by this request");
    assertEquals(12, made.size(), "the answer has the size with the data");
    assertEquals("first bytes\n", read("/born-full", 0, 100));
    if (onLocalDisk()) {
      assertEquals("first bytes\n", Files.readString(brickDir.resolve("born-full")));
    }
    Attr kept = attr(call(0, BrickOp.CREATE, "/born-full", h -> h.put(BrickFields.GFID, UUID.randomUUID().toString()),
        Buffer.buffer("other")));
    assertEquals(id, kept.gfid(), "the file that was there is answered: another file ID than the one asked for");
    assertEquals("first bytes\n", read("/born-full", 0, 100), "and it is not written");
    errno(Errno.EINVAL, () -> call(0, BrickOp.CREATE, "/no-id", h -> { }, Buffer.buffer("data")));
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/no-id"));
  }

  @Test
  void manyUnlinksOfOneDirectoryGoInOneRequestAndEachNameThatFailedIsSaid() {
    call(BrickOp.MKDIR, "/gone", h -> { });
    call(BrickOp.MKDIR, "/gone/sub", h -> { });
    for (int i = 0; i < 4; i++) {
      call(BrickOp.CREATE, "/gone/f" + i, h -> { });
    }
    JsonArray failed = call(BrickOp.UNLINK_MANY, "/gone", h -> h.put(BrickFields.NAMES,
        new JsonArray(List.of("f0", "f1", "missing", "sub", "../f2", "f3")))).header().getJsonArray(BrickFields.FAILED);
    Map<String, String> errnos = new java.util.TreeMap<>();
    failed.forEach(f -> errnos.put(((JsonObject) f).getString(BrickFields.NAME), ((JsonObject) f)
        .getString(BrickFields.ERRNO)));
    assertEquals(Map.of("missing", "ENOENT", "sub", "EISDIR", "../f2", "EINVAL"), errnos,
        "each name that was not unlinked, with its errno; a name that would leave the directory is refused");
    assertEquals(List.of("f2", "sub"), names("/gone").stream().sorted().toList(), "the others are gone");
  }

  @Test
  void readdirReturnsAttributesAndHidesTheBrickMetadata() {
    call(BrickOp.MKDIR, "/list", h -> { });
    for (int i = 0; i < 3; i++) {
      int n = i;
      call(BrickOp.CREATE, "/list/f" + i, h -> { });
      write("/list/f" + i, 0, "x".repeat(n + 1));
    }
    JsonArray entries = call(BrickOp.READDIR, "/list").header().getJsonArray(BrickFields.ENTRIES);
    assertEquals(3, entries.size());
    for (Object o : entries) {
      JsonObject e = (JsonObject) o;
      Attr a = Attr.fromJson(e.getJsonObject(BrickFields.ATTR));
      assertEquals(Integer.parseInt(e.getString("name").substring(1)) + 1, a.size(), "sizes come with the names");
    }
    assertFalse(names("/").contains(BrickDirectory.META_DIR));
    JsonArray bare = call(BrickOp.READDIR, "/list", h -> h.put(BrickFields.NAMES_ONLY, true)).header()
        .getJsonArray(BrickFields.NAMES);
    assertEquals(List.of("f0", "f1", "f2"), bare.stream().map(String.class::cast).sorted().toList(),
        "a names-only listing has the same names");
    assertFalse(call(BrickOp.READDIR, "/", h -> h.put(BrickFields.NAMES_ONLY, true)).header()
        .getJsonArray(BrickFields.NAMES).contains(BrickDirectory.META_DIR));
    errno(Errno.ENOTDIR, () -> call(BrickOp.READDIR, "/list/f0", h -> h.put(BrickFields.NAMES_ONLY, true)));
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/.mortar"));
    errno(Errno.EACCES, () -> call(BrickOp.MKDIR, "/.mortar"));
    errno(Errno.EACCES, () -> call(BrickOp.READDIR, "/.mortar/index"));
    errno(Errno.ENOTDIR, () -> call(BrickOp.READDIR, "/list/f0"));
  }

  @Test
  void namespaceErrorsGiveTheErrnoAProgramExpects() {
    call(BrickOp.MKDIR, "/ns", h -> { });
    call(BrickOp.CREATE, "/ns/file", h -> { });
    errno(Errno.EEXIST, () -> call(BrickOp.MKDIR, "/ns", h -> { }));
    errno(Errno.EEXIST, () -> call(BrickOp.CREATE, "/ns/file", h -> h.put(BrickFields.EXCLUSIVE, true)));
    assertEquals(0, attr(call(BrickOp.CREATE, "/ns/file", h -> { })).size(), "non-exclusive create keeps it");
    errno(Errno.EISDIR, () -> call(BrickOp.CREATE, "/ns", h -> { }));
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/ns/missing"));
    errno(Errno.ENOENT, () -> call(BrickOp.MKDIR, "/nope/sub", h -> { }));
    errno(Errno.ENOTDIR, () -> call(BrickOp.MKDIR, "/ns/file/sub", h -> { }));
    errno(Errno.EISDIR, () -> call(BrickOp.UNLINK, "/ns"));
    errno(Errno.ENOTEMPTY, () -> call(BrickOp.RMDIR, "/ns"));
    errno(Errno.ENOTDIR, () -> call(BrickOp.RMDIR, "/ns/file"));
    errno(Errno.EISDIR, () -> call(BrickOp.OPEN, "/ns"));
    errno(Errno.EISDIR, () -> call(BrickOp.READ, "/ns", h -> h.put(BrickFields.SIZE, 10)));
    errno(Errno.ENOENT, () -> write("/ns/missing", 0, "x"));
    errno(Errno.EBUSY, () -> call(BrickOp.RMDIR, "/"));
    call(BrickOp.UNLINK, "/ns/file");
    call(BrickOp.RMDIR, "/ns");
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/ns"));
  }

  @Test
  void renameReplacesMovesAcrossDirectoriesAndRefusesWhatRenameRefuses() {
    call(BrickOp.MKDIR, "/r", h -> { });
    call(BrickOp.MKDIR, "/r/a", h -> { });
    call(BrickOp.MKDIR, "/r/b", h -> { });
    call(BrickOp.CREATE, "/r/a/one", h -> { });
    write("/r/a/one", 0, "one");
    call(BrickOp.CREATE, "/r/b/two", h -> { });
    write("/r/b/two", 0, "two");
    String gfid = attr(call(BrickOp.LOOKUP, "/r/a/one")).gfid();
    call(BrickOp.RENAME, "/r/a/one", h -> h.put(BrickFields.TO, "/r/b/two")); // across directories, replacing
    assertEquals("one", read("/r/b/two", 0, 10));
    assertEquals(gfid, attr(call(BrickOp.LOOKUP, "/r/b/two")).gfid(), "the file keeps its ID through a rename");
    errno(Errno.ENOENT, () -> call(BrickOp.LOOKUP, "/r/a/one"));
    call(BrickOp.CREATE, "/r/b/x", h -> { });
    errno(Errno.EISDIR, () -> call(BrickOp.RENAME, "/r/b/x", h -> h.put(BrickFields.TO, "/r/a")));
    errno(Errno.ENOTDIR, () -> call(BrickOp.RENAME, "/r/a", h -> h.put(BrickFields.TO, "/r/b/x")));
    errno(Errno.ENOTEMPTY, () -> call(BrickOp.RENAME, "/r/a", h -> h.put(BrickFields.TO, "/r/b")));
    errno(Errno.EINVAL, () -> call(BrickOp.RENAME, "/r/b", h -> h.put(BrickFields.TO, "/r/b/inside")));
    call(BrickOp.RENAME, "/r/b", h -> h.put(BrickFields.TO, "/r/a")); // a directory over an empty one
    assertEquals(List.of("two", "x"), names("/r/a"));
  }

  @Test
  void hardLinksAndSymlinks() {
    call(BrickOp.CREATE, "/orig", h -> { });
    write("/orig", 0, "shared");
    Attr linked = attr(call(BrickOp.LINK, "/orig", h -> h.put(BrickFields.TO, "/alias")));
    Attr orig = attr(call(BrickOp.LOOKUP, "/orig"));
    assertEquals(2, linked.nlink());
    assertEquals(orig.ino(), linked.ino());
    assertEquals(orig.gfid(), linked.gfid(), "two names, one file ID");
    errno(Errno.EEXIST, () -> call(BrickOp.LINK, "/orig", h -> h.put(BrickFields.TO, "/alias")));
    call(BrickOp.MKDIR, "/ldir", h -> { });
    errno(Errno.EPERM, () -> call(BrickOp.LINK, "/ldir", h -> h.put(BrickFields.TO, "/ldir2")));

    String target = "../../outside//etc/passwd/";
    Attr s = attr(call(BrickOp.SYMLINK, "/sym", h -> h.put(BrickFields.TARGET, target)));
    assertTrue(s.isSymlink());
    assertNotNull(s.gfid(), "symlinks get a file ID too");
    assertEquals(target, call(BrickOp.READLINK, "/sym").header().getString(BrickFields.TARGET),
        "the target is stored exactly as given");
    errno(Errno.EINVAL, () -> call(BrickOp.READLINK, "/orig"));
    errno(Errno.EEXIST, () -> call(BrickOp.SYMLINK, "/sym", h -> h.put(BrickFields.TARGET, "x")));
    // never followed on the brick: not as the last component, not in the middle
    call(BrickOp.SYMLINK, "/out", h -> h.put(BrickFields.TARGET, dir.resolve("other").toString()));
    errno(Errno.ELOOP, () -> call(BrickOp.OPEN, "/out"));
    errno(Errno.ELOOP, () -> call(BrickOp.CREATE, "/out/escaped", h -> { }));
    errno(Errno.ELOOP, () -> write("/out", 0, "x"));
    assertFalse(Files.exists(dir.resolve("other/escaped")), "nothing was written outside the brick");
    // a directory already used (and so checked) that is removed or renamed and replaced by a link is not followed
    call(BrickOp.MKDIR, "/was-dir", h -> { });
    call(BrickOp.MKDIR, "/moved-dir", h -> { });
    call(BrickOp.CREATE, "/was-dir/f", h -> { });
    call(BrickOp.CREATE, "/moved-dir/f", h -> { });
    call(BrickOp.UNLINK, "/was-dir/f");
    call(BrickOp.RMDIR, "/was-dir");
    call(BrickOp.RENAME, "/moved-dir", h -> h.put(BrickFields.TO, "/moved-dir-2"));
    for (String d : List.of("/was-dir", "/moved-dir")) {
      call(BrickOp.SYMLINK, d, h -> h.put(BrickFields.TARGET, dir.resolve("other").toString()));
      errno(Errno.ELOOP, () -> call(BrickOp.CREATE, d + "/escaped", h -> { }));
    }
    assertFalse(Files.exists(dir.resolve("other/escaped")), "nothing was written outside the brick");
    call(BrickOp.UNLINK, "/sym");
    errno(Errno.ENOENT, () -> call(BrickOp.READLINK, "/sym"));
  }

  @Test
  void attributesAreSetAsAsked() {
    call(BrickOp.CREATE, "/attrs", h -> { });
    assertEquals(0600, attr(call(BrickOp.CHMOD, "/attrs", h -> h.put(BrickFields.MODE, 0600))).mode() & 07777);
    Attr owned = attr(call(BrickOp.CHOWN, "/attrs", h -> h.put(BrickFields.UID, 1234).put(BrickFields.GID, 5678)));
    assertEquals(1234, owned.uid());
    assertEquals(5678, owned.gid());
    assertEquals(1234, attr(call(BrickOp.CHOWN, "/attrs", h -> h.put(BrickFields.GID, 42))).uid(), "-1 keeps uid");
    long t = 1_600_000_000_123_456_789L;
    Attr timed = attr(call(BrickOp.UTIMENS, "/attrs", h -> h.put(BrickFields.ATIME, t).put(BrickFields.MTIME, t + 1)));
    assertEquals(t, timed.atime());
    assertEquals(t + 1, timed.mtime());
    Attr kept = attr(call(BrickOp.UTIMENS, "/attrs", h -> h.put(BrickFields.ATIME, BrickFields.TIME_NOW)
        .put(BrickFields.MTIME, BrickFields.TIME_OMIT)));
    assertEquals(t + 1, kept.mtime(), "omitted time kept");
    assertTrue(kept.atime() > t, "now");

    Attr trunc = attr(call(BrickOp.TRUNCATE, "/attrs", h -> h.put(BrickFields.SIZE, 5L << 30)));
    assertEquals(5L << 30, trunc.size(), "sparse past 4 GiB");
    assertTrue(trunc.blocks() > 0);
    write("/attrs", (5L << 30) - 3, "end");
    assertEquals("end", read("/attrs", (5L << 30) - 3, 10));
    assertEquals(3, attr(call(BrickOp.TRUNCATE, "/attrs", h -> h.put(BrickFields.SIZE, 3L))).size());

    JsonObject fs = call(BrickOp.STATFS, "/").header();
    assertTrue(fs.getLong("blocks") > 0 && fs.getLong("blockSize") > 0);
    assertEquals(255, fs.getInteger("maxNameLength"));
  }

  @Test
  void extendedAttributesOfTheUserButNeverOursShowThrough() {
    call(BrickOp.CREATE, "/xa", h -> { });
    byte[] value = {0, 1, 2, (byte) 255};
    call(0, BrickOp.SETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.colour"), Buffer.buffer(value));
    assertArrayEquals(value, call(BrickOp.GETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.colour")).data().getBytes());
    assertEquals(new JsonArray().add("user.colour"), call(BrickOp.LISTXATTR, "/xa").header().getJsonArray(BrickFields.NAMES),
        "user.mortar.meta is not listed");
    errno(Errno.EEXIST, () -> call(0, BrickOp.SETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.colour")
        .put(BrickFields.FLAGS, BrickFields.XATTR_CREATE), Buffer.buffer("x")));
    errno(Errno.ENODATA, () -> call(0, BrickOp.SETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.size")
        .put(BrickFields.FLAGS, BrickFields.XATTR_REPLACE), Buffer.buffer("x")));
    errno(Errno.ENODATA, () -> call(BrickOp.GETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.size")));
    errno(Errno.EACCES, () -> call(BrickOp.GETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.mortar.meta")));
    errno(Errno.EACCES, () -> call(0, BrickOp.SETXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.mortar.meta"),
        Buffer.buffer("{}")));
    errno(Errno.EOPNOTSUPP, () -> call(0, BrickOp.SETXATTR, "/xa", h -> h.put(BrickFields.NAME, "trusted.x"),
        Buffer.buffer("x")));
    call(BrickOp.REMOVEXATTR, "/xa", h -> h.put(BrickFields.NAME, "user.colour"));
    assertTrue(call(BrickOp.LISTXATTR, "/xa").header().getJsonArray(BrickFields.NAMES).isEmpty());
  }

  @Test
  void hostilePathsAreRefused() {
    errno(Errno.EINVAL, () -> call(BrickOp.LOOKUP, "relative"));
    errno(Errno.EINVAL, () -> call(BrickOp.CREATE, "/../escape", h -> { }));
    errno(Errno.EINVAL, () -> call(BrickOp.LOOKUP, "/a/../../etc/passwd"));
    errno(Errno.EINVAL, () -> call(BrickOp.LOOKUP, "/a/./b"));
    errno(Errno.EINVAL, () -> call(BrickOp.LOOKUP, "//double"));
    errno(Errno.EINVAL, () -> call(BrickOp.CREATE, "/nul\0byte", h -> { }));
    errno(Errno.ENAMETOOLONG, () -> call(BrickOp.CREATE, "/" + "n".repeat(256), h -> { }));
    errno(Errno.ENAMETOOLONG, () -> call(BrickOp.LOOKUP, "/a".repeat(2100)));
    errno(Errno.EINVAL, () -> call(BrickOp.SYMLINK, "/badlink", h -> h.put(BrickFields.TARGET, "a\0b")));
    errno(Errno.EINVAL, () -> call(BrickOp.READ, "/", h -> h.put(BrickFields.SIZE, -1)));
    errno(Errno.EINVAL, () -> call(0, BrickOp.WRITE, "/x", h -> h.put(BrickFields.OFFSET, -5L), Buffer.buffer("x")));
    errno(Errno.EINVAL, () -> call(BrickOp.RENAME, "/", h -> h.put(BrickFields.TO, "/elsewhere")));
    Attr longest = attr(call(BrickOp.CREATE, "/" + "n".repeat(255), h -> { }));
    assertEquals(1, longest.nlink(), "a 255-byte name is fine, and a new file has one name");
  }

  @Test
  void replicationCountersAreKeptAndTheHealIndexFollowsThem() throws Exception {
    call(BrickOp.CREATE, "/healme", h -> { });
    FileMeta m0 = FileMeta.fromJson(call(BrickOp.META_GET, "/healme").header().getJsonObject(BrickFields.META));
    assertTrue(m0.clean());
    assertEquals(attr(call(BrickOp.LOOKUP, "/healme")).gfid(), m0.gfid());

    FileMeta dirty = FileMeta.fromJson(call(BrickOp.META_UPDATE, "/healme", h -> h.put(BrickFields.DIRTY, 1)
        .put(BrickFields.DATA_VERSION, 1)).header().getJsonObject(BrickFields.META));
    assertEquals(1, dirty.dirty());
    assertTrue(indexGfids().contains(m0.gfid()), "a write in flight is in the heal index");

    FileMeta blamed = FileMeta.fromJson(call(BrickOp.META_UPDATE, "/healme", h -> h.put(BrickFields.DIRTY, -1)
        .put(BrickFields.PENDING, new JsonObject().put("1", 1))).header().getJsonObject(BrickFields.META));
    assertEquals(0, blamed.dirty());
    assertEquals(1L, blamed.pending().get(1), "brick 1 missed the write");
    assertTrue(indexGfids().contains(m0.gfid()));

    assertEquals(List.of(1), call(BrickOp.STATUS, "/").header().getJsonArray(BrickFields.BLAMES).getList(),
        "STATUS tells clients that brick 1 is blamed, so they read nothing from it until it is healed");

    errno(Errno.EINVAL, () -> call(BrickOp.META_UPDATE, "/healme", h -> h.put(BrickFields.DIRTY, -1)));
    FileMeta healed = FileMeta.fromJson(call(BrickOp.META_UPDATE, "/healme", h -> h.put(BrickFields.PENDING,
        new JsonObject().put("1", -1))).header().getJsonObject(BrickFields.META));
    assertTrue(healed.clean());
    assertEquals(1, healed.dataVersion());
    assertFalse(indexGfids().contains(m0.gfid()), "clean again: out of the index");
    assertTrue(call(BrickOp.STATUS, "/").header().getJsonArray(BrickFields.BLAMES).isEmpty(), "nobody blamed");

    // a blamed file that is deleted leaves the index with it
    call(BrickOp.META_UPDATE, "/healme", h -> h.put(BrickFields.PENDING, new JsonObject().put("1", 1)));
    call(BrickOp.UNLINK, "/healme");
    assertFalse(indexGfids().contains(m0.gfid()));

    if (!onLocalDisk()) {
      return;
    }
    // files put into the brick by hand get an ID on first use
    Files.writeString(brickDir.resolve("byhand"), "x");
    assertNotNull(FileMeta.fromJson(call(BrickOp.META_GET, "/byhand").header().getJsonObject(BrickFields.META)).gfid());
  }

  @Test
  void theHealIndexNamesABlamedFileWhereItIsAfterARename() throws Exception {
    call(BrickOp.MKDIR, "/hint-dir", h -> { });
    call(BrickOp.CREATE, "/hint-dir/inner", h -> { });
    call(BrickOp.CREATE, "/hint-file", h -> { });
    for (String p : List.of("/hint-dir/inner", "/hint-file")) {
      call(BrickOp.META_UPDATE, p, h -> h.put(BrickFields.PENDING, new JsonObject().put("1", 1)));
    }
    String inner = attr(call(BrickOp.LOOKUP, "/hint-dir/inner")).gfid();
    String file = attr(call(BrickOp.LOOKUP, "/hint-file")).gfid();

    // The healer of this brick looks for what it blames under the names the index gives.
    call(BrickOp.RENAME, "/hint-file", h -> h.put(BrickFields.TO, "/hint-file-renamed"));
    call(BrickOp.RENAME, "/hint-dir", h -> h.put(BrickFields.TO, "/hint-dir-renamed"));
    assertEquals("/hint-file-renamed", indexed().get(file).getString("path"));
    assertEquals("/hint-dir-renamed/inner", indexed().get(inner).getString("path"));
    assertTrue(indexed().get(inner).containsKey(BrickFields.META), "the entry carries the file's counters");

    if (!onLocalDisk()) {
      return; // the object store's index is made from its namespace: no hint to go stale
    }
    // A hint gone stale (a rename that raced with a counter update) is found again by the file's ID, and the
    // entry of a file that is gone from the brick is dropped.
    Path entries = brickDir.resolve(".mortar/index");
    Files.writeString(entries.resolve(file), "/somewhere-else");
    String gone = UUID.randomUUID().toString();
    Files.writeString(entries.resolve(gone), "/never-was");
    Map<String, JsonObject> after = indexed();
    assertEquals("/hint-file-renamed", after.get(file).getString("path"));
    assertFalse(after.containsKey(gone), "an entry whose file is gone is dropped: " + after.keySet());
    assertEquals("/hint-file-renamed", Files.readString(entries.resolve(file)), "the hint is rewritten");

    for (String p : List.of("/hint-dir-renamed/inner", "/hint-file-renamed")) {
      call(BrickOp.META_UPDATE, p, h -> h.put(BrickFields.PENDING, new JsonObject().put("1", -1)));
    }
    assertFalse(indexed().containsKey(file), "healed: out of the index");
  }

  /** The heal index by file ID. */
  private Map<String, JsonObject> indexed() {
    Map<String, JsonObject> out = new HashMap<>();
    call(BrickOp.INDEX_LIST, "/").header().getJsonArray(BrickFields.ENTRIES)
        .forEach(o -> out.put(((JsonObject) o).getString("gfid"), (JsonObject) o));
    return out;
  }

  private List<String> indexGfids() {
    List<String> out = new ArrayList<>();
    call(BrickOp.INDEX_LIST, "/").header().getJsonArray(BrickFields.ENTRIES)
        .forEach(o -> out.add(((JsonObject) o).getString("gfid")));
    return out;
  }

  @Test
  void aStuckDiskStallsOnlyItsOwnBrick() throws Exception {
    Path slowDir = dir.resolve("slow-brick");
    vertx.deployVerticle(new BrickVerticle("v", VOL, 1, slowDir, "n1:" + slowDir, 24009, new SimpleMeterRegistry()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Path fifo = slowDir.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    // Opening a FIFO for reading blocks until a writer comes: it fills every worker of the slow brick.
    List<io.vertx.core.Future<?>> stuck = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      stuck.add(vertx.eventBus().request(Addresses.brick(VOL, 1), BrickFrame.of(new JsonObject()
          .put(BrickFields.OP, BrickOp.READ.name()).put(BrickFields.PATH, "/fifo").put(BrickFields.SIZE, 1)),
          new DeliveryOptions().setSendTimeout(30_000)));
    }
    Thread.sleep(300);
    long t0 = System.nanoTime();
    call(BrickOp.LOOKUP, "/");
    BrickFrame status = call(1, BrickOp.STATUS, "/", h -> { }, Buffer.buffer());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(status.header().getBoolean("online"), "the stuck brick still answers status (event loop free)");
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
    call(BrickOp.CREATE, "/sums", h -> { });
    call(0, BrickOp.WRITE, "/sums", h -> h.put(BrickFields.OFFSET, 0L), Buffer.buffer("aaaabbbb"));
    JsonObject first = call(BrickOp.CHECKSUM, "/sums", h -> h.put(BrickFields.OFFSET, 0L).put(BrickFields.SIZE, 4))
        .header();
    JsonObject second = call(BrickOp.CHECKSUM, "/sums", h -> h.put(BrickFields.OFFSET, 4L).put(BrickFields.SIZE, 4))
        .header();
    assertEquals(4, first.getInteger(BrickFields.SIZE));
    assertFalse(first.getString(BrickFields.SUM).equals(second.getString(BrickFields.SUM)));
    assertEquals(first.getString(BrickFields.SUM), call(BrickOp.CHECKSUM, "/sums", h -> h.put(BrickFields.OFFSET, 0L)
        .put(BrickFields.SIZE, 4)).header().getString(BrickFields.SUM), "the same bytes, the same digest");
    assertEquals(0, call(BrickOp.CHECKSUM, "/sums", h -> h.put(BrickFields.OFFSET, 100L).put(BrickFields.SIZE, 4))
        .header().getInteger(BrickFields.SIZE), "nothing past the end");
  }

  @Test
  void writeLocksAreTriedWaitedForReleasedAndExpire() throws Exception {
    call(BrickOp.CREATE, "/locked", h -> { });
    call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-a").put(BrickFields.LEASE, 10_000));
    long t0 = System.nanoTime();
    errno(Errno.EAGAIN, () -> call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-b")
        .put(BrickFields.WAIT, 0)));
    assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1_000), "a try answers at once");
    call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-a").put(BrickFields.WAIT, 0)); // its own: renewed
    errno(Errno.EAGAIN, () -> call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-b")
        .put(BrickFields.WAIT, 200)));
    vertx.setTimer(300, t -> BrickRequests.send(vertx, Addresses.brick(VOL, 0), BrickOp.UNLOCK, "/locked",
        h -> h.put(BrickFields.OWNER, "expiry-a"), Buffer.buffer(), 5_000));
    call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-b").put(BrickFields.WAIT, 5_000)
        .put(BrickFields.LEASE, 300));
    t0 = System.nanoTime();
    call(BrickOp.LOCK, "/locked", h -> h.put(BrickFields.OWNER, "expiry-c").put(BrickFields.WAIT, 5_000));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(200), "c got it when b's lease ran out");
  }

  @Test
  void aWriteDelayedPastItsLostLeaseIsRefusedAndOverwritesNothing() throws Exception {
    call(BrickOp.CREATE, "/fenced", h -> { });
    call(BrickOp.LOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-a").put(BrickFields.LEASE, 200));
    call(0, BrickOp.WRITE, "/fenced", h -> h.put(BrickFields.OFFSET, 0L).put(BrickFields.OWNER, "late-a"),
        Buffer.buffer("a-line\n"));
    // a is cut off: its lease runs out, b takes the lock and appends
    call(BrickOp.LOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-b").put(BrickFields.WAIT, 5_000));
    errno(Errno.ESTALE, () -> call(0, BrickOp.WRITE, "/fenced", h -> h.put(BrickFields.OFFSET, 7L)
        .put(BrickFields.OWNER, "late-c"), Buffer.buffer("c-line\n"))); // nobody writes under another's lock
    call(0, BrickOp.WRITE, "/fenced", h -> h.put(BrickFields.OFFSET, 7L).put(BrickFields.OWNER, "late-b"),
        Buffer.buffer("b-line\n"));
    call(BrickOp.UNLOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-b"));
    // the network is back: what a sent before the cut arrives, at the offset b wrote
    errno(Errno.ESTALE, () -> call(0, BrickOp.WRITE, "/fenced", h -> h.put(BrickFields.OFFSET, 7L)
        .put(BrickFields.OWNER, "late-a"), Buffer.buffer("a-late\n")));
    errno(Errno.ESTALE, () -> call(BrickOp.LOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-a")
        .put(BrickFields.WAIT, 0)));
    assertEquals("a-line\nb-line\n", read("/fenced", 0, 100));
    // a lease that ran out while nobody else wanted the lock: the writer goes on (a slow renewal is no cut)
    call(BrickOp.LOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-d").put(BrickFields.LEASE, 100));
    Thread.sleep(300);
    call(0, BrickOp.WRITE, "/fenced", h -> h.put(BrickFields.OFFSET, 14L).put(BrickFields.OWNER, "late-d"),
        Buffer.buffer("d-line\n"));
    call(BrickOp.LOCK, "/fenced", h -> h.put(BrickFields.OWNER, "late-d").put(BrickFields.WAIT, 0)); // renewed
    assertEquals("a-line\nb-line\nd-line\n", read("/fenced", 0, 100));
  }

  private BrickFrame flock(String gfid, String owner, String type, long lease) {
    return call(BrickOp.FLOCK, "/", h -> h.put(BrickFields.GFID, gfid).put(BrickFields.OWNER, owner)
        .put(BrickFields.FLOCK, type).put(BrickFields.LEASE, lease));
  }

  @Test
  void flocksAreSharedOrExclusivePerFileIdAndRunOutWithTheirLease() throws Exception {
    String file = java.util.UUID.randomUUID().toString();
    flock(file, "m1/1", BrickFields.FLOCK_SHARED, 10_000);
    flock(file, "m2/1", BrickFields.FLOCK_SHARED, 10_000);
    errno(Errno.EAGAIN, () -> flock(file, "m3/1", BrickFields.FLOCK_EXCLUSIVE, 10_000));
    errno(Errno.EAGAIN, () -> flock(file, "m1/1", BrickFields.FLOCK_EXCLUSIVE, 10_000)); // m2 shares it
    flock(java.util.UUID.randomUUID().toString(), "m3/1", BrickFields.FLOCK_EXCLUSIVE, 10_000); // another file
    flock(file, "m2/1", BrickFields.FLOCK_UNLOCK, 0);
    flock(file, "m1/1", BrickFields.FLOCK_EXCLUSIVE, 1_000); // the only holder converts
    errno(Errno.EAGAIN, () -> flock(file, "m2/1", BrickFields.FLOCK_SHARED, 10_000));
    long t0 = System.nanoTime();
    while (true) { // m1's mount stopped renewing: its lock goes with the lease
      try {
        flock(file, "m2/1", BrickFields.FLOCK_EXCLUSIVE, 10_000);
        break;
      } catch (BrickException busy) {
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "the lease runs out: " + busy);
        Thread.sleep(50);
      }
    }
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(800), "not before the lease ran out");
    errno(Errno.EINVAL, () -> flock(file, "m2/1", "rw", 10_000));
    errno(Errno.EINVAL, () -> call(BrickOp.FLOCK, "/", h -> h.put(BrickFields.OWNER, "m2/1")));
  }

  private BrickFrame recordLocks(String gfid, String owner, List<dev.mortar.common.brick.LockRange> ranges) {
    return call(BrickOp.RECORD_LOCK, "/", h -> h.put(BrickFields.GFID, gfid).put(BrickFields.OWNER, owner)
        .put(BrickFields.RANGES, dev.mortar.common.brick.LockRange.toJson(ranges)).put(BrickFields.LEASE, 10_000));
  }

  @Test
  void recordLocksExcludeOtherOwnersWhereTheyConflictAndAreProbed() {
    var w = new dev.mortar.common.brick.LockRange(0, 9, true);
    String file = java.util.UUID.randomUUID().toString();
    recordLocks(file, "p1", List.of(w));
    recordLocks(file, "p2", List.of(new dev.mortar.common.brick.LockRange(10, 19, true))); // beside it
    errno(Errno.EAGAIN, () -> recordLocks(file, "p3", List.of(new dev.mortar.common.brick.LockRange(5, 5, false))));
    JsonObject probe = call(BrickOp.RECORD_LOCK, "/", h -> h.put(BrickFields.GFID, file).put(BrickFields.OWNER, "p3")
        .put(BrickFields.PROBE, new dev.mortar.common.brick.LockRange(0, 100, false).toJson())).header();
    assertEquals(w.toJson(), probe.getJsonObject(BrickFields.CONFLICT), "F_GETLK names the lock in the way");
    recordLocks(file, "p1", List.of()); // all given up
    recordLocks(file, "p3", List.of(new dev.mortar.common.brick.LockRange(5, 5, false)));
    errno(Errno.EINVAL, () -> call(BrickOp.RECORD_LOCK, "/", h -> h.put(BrickFields.GFID, file)
        .put(BrickFields.OWNER, "p3").put(BrickFields.RANGES, new JsonArray().add(new JsonObject()
            .put(BrickFields.START, 9).put(BrickFields.END, 2).put(BrickFields.WRITE, true)))));
  }

  @Test
  void createTakesTheLockAndMarksTheNewFileDirtyInOneRequest() throws Exception {
    BrickFrame made = call(BrickOp.CREATE, "/new", h -> h.put(BrickFields.OWNER, "a").put(BrickFields.LEASE, 10_000)
        .put(BrickFields.DIRTY, 1));
    assertEquals(true, made.header().getBoolean(BrickFields.LOCKED));
    assertEquals(1, FileMeta.fromJson(call(BrickOp.META_GET, "/new").header().getJsonObject(BrickFields.META))
        .dirty());
    errno(Errno.EAGAIN, () -> call(BrickOp.LOCK, "/new", h -> h.put(BrickFields.OWNER, "b").put(BrickFields.WAIT, 0)));
    // Another writer's create of the same file keeps the file and says it did not get the lock.
    assertEquals(false, call(BrickOp.CREATE, "/new", h -> h.put(BrickFields.OWNER, "b")).header()
        .getBoolean(BrickFields.LOCKED));
    // A create that fails gives the lock it took back.
    errno(Errno.EEXIST, () -> call(BrickOp.CREATE, "/new", h -> h.put(BrickFields.OWNER, "c")
        .put(BrickFields.EXCLUSIVE, true).put(BrickFields.GFID, java.util.UUID.randomUUID().toString())));
    // The session's end: the dirty mark goes, then the lock, in one request.
    call(BrickOp.END_SESSIONS, "/", h -> h.put(BrickFields.SESSIONS, new JsonArray().add(new JsonObject()
        .put(BrickFields.PATH, "/new").put(BrickFields.CLEAR, true).put(BrickFields.OWNER, "a"))));
    assertEquals(0, FileMeta.fromJson(call(BrickOp.META_GET, "/new").header().getJsonObject(BrickFields.META))
        .dirty());
    call(BrickOp.LOCK, "/new", h -> h.put(BrickFields.OWNER, "d").put(BrickFields.WAIT, 0)); // a and c hold nothing
  }

  @Test
  void manyWriteSessionsEndInOneRequestMarksFirstThenLocks() {
    for (String f : List.of("/s1", "/s2")) {
      call(BrickOp.CREATE, f, h -> h.put(BrickFields.OWNER, "w" + f).put(BrickFields.LEASE, 10_000)
          .put(BrickFields.DIRTY, 1));
    }
    call(BrickOp.CREATE, "/s3", h -> { });
    call(BrickOp.LOCK, "/s3", h -> h.put(BrickFields.OWNER, "w/s3").put(BrickFields.LEASE, 10_000));
    JsonArray sessions = new JsonArray()
        .add(new JsonObject().put(BrickFields.PATH, "/s1").put(BrickFields.CLEAR, true).put(BrickFields.OWNER, "w/s1"))
        .add(new JsonObject().put(BrickFields.PATH, "/s2").put(BrickFields.CLEAR, true)) // its lock is kept
        .add(new JsonObject().put(BrickFields.PATH, "/s3").put(BrickFields.OWNER, "w/s3")) // lock only
        .add(new JsonObject().put(BrickFields.PATH, "/gone").put(BrickFields.CLEAR, true).put(BrickFields.OWNER, "x"));
    JsonArray failed = call(BrickOp.END_SESSIONS, "/", h -> h.put(BrickFields.SESSIONS, sessions)).header()
        .getJsonArray(BrickFields.FAILED);
    assertEquals(1, failed.size(), "only the missing file's mark failed: " + failed);
    assertTrue(failed.getString(0).startsWith("/gone"), failed.encode());
    for (String f : List.of("/s1", "/s2", "/s3")) {
      assertEquals(0, FileMeta.fromJson(call(BrickOp.META_GET, f).header().getJsonObject(BrickFields.META)).dirty(),
          f + " is clean");
    }
    JsonArray index = call(BrickOp.INDEX_LIST, "/").header().getJsonArray(BrickFields.ENTRIES);
    assertTrue(index.stream().map(e -> ((JsonObject) e).getString("path")).noneMatch(p -> p.startsWith("/s")),
        "no heal-index entry is left for them: " + index.encode());
    call(BrickOp.LOCK, "/s1", h -> h.put(BrickFields.OWNER, "n").put(BrickFields.WAIT, 0));
    call(BrickOp.LOCK, "/s3", h -> h.put(BrickFields.OWNER, "n").put(BrickFields.WAIT, 0));
    errno(Errno.EAGAIN, () -> call(BrickOp.LOCK, "/s2", h -> h.put(BrickFields.OWNER, "n").put(BrickFields.WAIT, 0)));
  }
}
