package dev.mortar.common.brick.api;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.BrickFrame;
import dev.mortar.common.brick.BrickOp;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.ParameterizedType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The brick protocol's records as {@link BrickFrame}s: a request's header is its operation ({@code op}) and its
 * fields, a reply's header its fields; file data is the frame's data. The only place that knows the header's keys.
 */
public final class BrickCodec {
  private static final String OP = "op";
  private static final Map<BrickOp, Class<?>> REQUESTS = new EnumMap<>(Map.ofEntries(
      Map.entry(BrickOp.STATUS, Requests.Status.class),
      Map.entry(BrickOp.LOOKUP, Requests.Lookup.class),
      Map.entry(BrickOp.READDIR, Requests.Readdir.class),
      Map.entry(BrickOp.NAMES, Requests.ListNames.class),
      Map.entry(BrickOp.MKDIR, Requests.Mkdir.class),
      Map.entry(BrickOp.RMDIR, Requests.Rmdir.class),
      Map.entry(BrickOp.CREATE, Requests.Create.class),
      Map.entry(BrickOp.OPEN, Requests.Open.class),
      Map.entry(BrickOp.READ, Requests.Read.class),
      Map.entry(BrickOp.WRITE, Requests.Write.class),
      Map.entry(BrickOp.TRUNCATE, Requests.Truncate.class),
      Map.entry(BrickOp.FSYNC, Requests.Fsync.class),
      Map.entry(BrickOp.UNLINK, Requests.Unlink.class),
      Map.entry(BrickOp.UNLINK_MANY, Requests.UnlinkMany.class),
      Map.entry(BrickOp.RENAME, Requests.Rename.class),
      Map.entry(BrickOp.LINK, Requests.Link.class),
      Map.entry(BrickOp.SYMLINK, Requests.Symlink.class),
      Map.entry(BrickOp.MKNOD, Requests.Mknod.class),
      Map.entry(BrickOp.READLINK, Requests.Readlink.class),
      Map.entry(BrickOp.CHMOD, Requests.Chmod.class),
      Map.entry(BrickOp.CHOWN, Requests.Chown.class),
      Map.entry(BrickOp.UTIMENS, Requests.Utimens.class),
      Map.entry(BrickOp.STATFS, Requests.Statfs.class),
      Map.entry(BrickOp.GETXATTR, Requests.GetXattr.class),
      Map.entry(BrickOp.SETXATTR, Requests.SetXattr.class),
      Map.entry(BrickOp.LISTXATTR, Requests.ListXattr.class),
      Map.entry(BrickOp.REMOVEXATTR, Requests.RemoveXattr.class),
      Map.entry(BrickOp.META_GET, Requests.MetaGet.class),
      Map.entry(BrickOp.META_UPDATE, Requests.MetaUpdate.class),
      Map.entry(BrickOp.END_SESSIONS, Requests.EndSessions.class),
      Map.entry(BrickOp.CHECKSUM, Requests.Checksum.class),
      Map.entry(BrickOp.INDEX_LIST, Requests.IndexList.class),
      Map.entry(BrickOp.LOCK, Requests.Lock.class),
      Map.entry(BrickOp.UNLOCK, Requests.Unlock.class),
      Map.entry(BrickOp.FLOCK, Requests.Flock.class),
      Map.entry(BrickOp.RECORD_LOCK, Requests.RecordLocks.class),
      Map.entry(BrickOp.RECORD_LOCK_PROBE, Requests.ProbeRecordLock.class)));
  private static final Map<Class<?>, BrickOp> OPS = new HashMap<>();
  private static final Map<Class<?>, Class<?>> REPLIES = new HashMap<>();

  static {
    REQUESTS.forEach((op, type) -> {
      OPS.put(type, op);
      ParameterizedType request = (ParameterizedType) type.getGenericInterfaces()[0];
      REPLIES.put(type, (Class<?>) request.getActualTypeArguments()[0]);
    });
  }

  private BrickCodec() {}

  /** The request record of an operation. */
  static Class<?> requestType(BrickOp op) {
    return REQUESTS.get(op);
  }

  public static BrickOp op(BrickRequest<?> request) {
    return OPS.get(request.getClass());
  }

  @SuppressWarnings("unchecked")
  public static <R> Class<R> replyType(BrickRequest<R> request) {
    return (Class<R>) REPLIES.get(request.getClass());
  }

  public static BrickFrame encodeRequest(BrickRequest<?> request) {
    return encode(request, new JsonObject().put(OP, op(request).name()));
  }

  /** A request from the wire; EINVAL for an unknown operation or a malformed field. */
  public static BrickRequest<?> decodeRequest(BrickFrame frame) {
    String name = String.valueOf(frame.header().getValue(OP));
    BrickOp op;
    try {
      op = BrickOp.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new BrickException(Errno.EINVAL, "unknown brick operation " + name);
    }
    return (BrickRequest<?>) RecordCodec.of(REQUESTS.get(op)).fromJson(frame.header(), frame.data(), false);
  }

  public static BrickFrame encodeReply(Object reply) {
    return encode(reply, new JsonObject());
  }

  public static <R> R decodeReply(BrickFrame frame, Class<R> type) {
    return RecordCodec.of(type).fromJson(frame.header(), frame.data(), true);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BrickFrame encode(Object value, JsonObject header) {
    RecordCodec codec = RecordCodec.of(value.getClass());
    codec.toJson(value, header);
    Buffer data = codec.data(value);
    return data == null ? BrickFrame.of(header) : new BrickFrame(header, data);
  }
}
