package dev.mortar.common.brick.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickFrameCodec;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.LockRange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrickCodecTest {
  private static final Attr ATTR = new Attr("g-1", 1L << 40, 0100644, 2, 1000, 100, 5_000_000_000L, 8,
      1_700_000_000_000_000_000L, 2L, 3L);

  /** Through the bytes a remote brick receives: JSON numbers come back as the smallest type that holds them. */
  private static BrickFrame wire(BrickFrame f) {
    BrickFrameCodec codec = new BrickFrameCodec();
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, f);
    return codec.decodeFromWire(0, b);
  }

  private static BrickRequest<?> roundTrip(BrickRequest<?> r) {
    return BrickCodec.decodeRequest(wire(BrickCodec.encodeRequest(r)));
  }

  @Test
  void everyOperationHasItsRequestRecordAndMethod() {
    for (BrickOp op : BrickOp.values()) {
      Class<?> type = BrickCodec.requestType(op);
      assertNotNull(type, op + " has no request record");
      String method = Character.toLowerCase(type.getSimpleName().charAt(0)) + type.getSimpleName().substring(1);
      assertTrue(java.util.Arrays.stream(BrickApi.class.getMethods()).anyMatch(m -> m.getName().equals(method)
          && m.getParameterTypes()[0] == type), op + " has no method in BrickApi");
    }
  }

  @Test
  void everyKindOfFieldSurvivesTheWire() {
    Buffer data = Buffer.buffer("first bytes");
    Requests.Create create = new Requests.Create("/d/f", 0640, 0, 0, "g-1", true, 1, "owner-1", 10_000, data);
    Requests.Create back = (Requests.Create) roundTrip(create);
    assertEquals(create.path(), back.path());
    assertEquals(create.mode(), back.mode());
    assertEquals(create.owner(), back.owner());
    assertEquals("first bytes", back.data().toString(), "file data travels as the frame's data");
    assertTrue(wire(BrickCodec.encodeRequest(create)).header().fieldNames().stream().noneMatch("data"::equals));

    assertEquals(new Requests.Create("/f", 0644, 0, 0, null, false, 0, null, 0, Buffer.buffer()).gfid(),
        ((Requests.Create) roundTrip(new Requests.Create("/f", 0644, 0, 0, null, false, 0, null, 0,
            Buffer.buffer()))).gfid(), "an absent gfid stays absent");
    assertEquals(new Requests.MetaUpdate("/f", -1, 0, 1L << 33, Map.of(0, 2L, 2, -1L)),
        roundTrip(new Requests.MetaUpdate("/f", -1, 0, 1L << 33, Map.of(0, 2L, 2, -1L))));
    assertEquals(new Requests.EndSessions(List.of(new Requests.SessionEnd("/a", true, "o", null),
            new Requests.SessionEnd("/b", false, null, "/old"))),
        roundTrip(new Requests.EndSessions(List.of(new Requests.SessionEnd("/a", true, "o", null),
            new Requests.SessionEnd("/b", false, null, "/old")))));
    assertEquals(new Requests.Flock("g", "o", Requests.FlockType.EXCLUSIVE, 5_000),
        roundTrip(new Requests.Flock("g", "o", Requests.FlockType.EXCLUSIVE, 5_000)));
    assertEquals(new Requests.RecordLocks("g", "o", 5_000, List.of(new LockRange(0, Long.MAX_VALUE, true))),
        roundTrip(new Requests.RecordLocks("g", "o", 5_000, List.of(new LockRange(0, Long.MAX_VALUE, true)))));
    assertEquals(Requests.Status.INSTANCE, roundTrip(Requests.Status.INSTANCE));
  }

  @Test
  void repliesCarryRecordsListsAndAbsentFields() {
    Replies.IndexReply index = new Replies.IndexReply(List.of(
        new Replies.IndexEntry("g-1", "/a", new FileMeta("g-1", 1, 2, 3, Map.of(1, 4L))),
        new Replies.IndexEntry("g-2", "/gone", null)));
    assertEquals(index, BrickCodec.decodeReply(wire(BrickCodec.encodeReply(index)), Replies.IndexReply.class));
    Replies.EntriesReply entries = new Replies.EntriesReply(List.of(new Replies.DirEntry("f", ATTR)));
    assertEquals(entries, BrickCodec.decodeReply(wire(BrickCodec.encodeReply(entries)), Replies.EntriesReply.class));
    assertNull(BrickCodec.decodeReply(wire(BrickCodec.encodeReply(new Replies.ProbeReply(null))),
        Replies.ProbeReply.class).conflict());
    Replies.DataReply read = BrickCodec.decodeReply(wire(BrickCodec.encodeReply(
        new Replies.DataReply(Buffer.buffer(new byte[] {0, -1, 7})))), Replies.DataReply.class);
    assertEquals(Buffer.buffer(new byte[] {0, -1, 7}), read.data());
  }

  @Test
  void aDeviceNumberTravelsOnlyWhereThereIsOne() {
    Requests.Mknod mknod = new Requests.Mknod("/d/null", Attr.S_IFCHR | 0666, (1L << 32) | (1 << 8) | 3, 0, 0, "g-1",
        1);
    assertEquals(mknod, roundTrip(mknod));
    Attr dev = new Attr("g-1", 7, Attr.S_IFBLK | 0660, 1, 0, 0, 0, 0, 1L, 2L, 3L, 7 << 8);
    Replies.AttrReply reply = BrickCodec.decodeReply(wire(BrickCodec.encodeReply(new Replies.AttrReply(dev))),
        Replies.AttrReply.class);
    assertEquals(dev, reply.attr());
    assertEquals(7L << 8, dev.toJson().getLong("rdev"));
    assertNull(ATTR.toJson().getValue("rdev"), "left out of the (frequent) attributes of other files");
    assertEquals(ATTR, Attr.fromJson(ATTR.toJson()));
  }

  @Test
  void aMalformedRequestIsRefusedWithEinvalWhoeverSentIt() {
    assertEquals(Errno.EINVAL, assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "FORMAT_DISK")))).errno());
    BrickException missing = assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "TRUNCATE").put("path", "/f"))));
    assertEquals(Errno.EINVAL, missing.errno());
    assertTrue(missing.getMessage().contains("'size' is missing"), missing.getMessage());
    BrickException wrongType = assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "TRUNCATE").put("path", List.of("/f")).put("size", 1))));
    assertTrue(wrongType.getMessage().contains("'path' must be a string"), wrongType.getMessage());
    BrickException tooBig = assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "CHMOD").put("path", "/f").put("mode", 1L << 40))));
    assertTrue(tooBig.getMessage().contains("'mode' is out of range"), tooBig.getMessage());
    BrickException badEnum = assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "FLOCK").put("gfid", "g").put("owner", "o").put("type", "MINE")
            .put("lease", 1))));
    assertEquals(Errno.EINVAL, badEnum.errno());
    BrickException badRange = assertThrows(BrickException.class, () -> BrickCodec.decodeRequest(
        BrickFrame.of(new JsonObject().put("op", "RECORD_LOCK_PROBE").put("gfid", "g").put("owner", "o")
            .put("probe", new JsonObject().put("start", 9).put("end", 2).put("write", true)))));
    assertEquals(Errno.EINVAL, badRange.errno(), "a record's own checks answer EINVAL too");
  }

  @Test
  void everyOperationHasItsRequestRecord() {
    for (BrickOp op : BrickOp.values()) {
      BrickFrame bare = BrickFrame.of(new JsonObject().put("op", op.name()));
      try {
        assertEquals(op, BrickCodec.op(BrickCodec.decodeRequest(bare)));
      } catch (BrickException e) {
        assertEquals(Errno.EINVAL, e.errno(), op + ": " + e.getMessage());
      }
    }
  }
}
