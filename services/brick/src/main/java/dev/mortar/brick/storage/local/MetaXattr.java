package dev.mortar.brick.storage.local;

import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How a local-disk brick stores a file's {@link FileMeta} in its {@code user.mortar.meta} attribute: a version byte,
 * the file ID's 16 bytes and variable-length counters, about 21 bytes for a clean file. Small enough that ext4 keeps
 * it inside the inode (256-byte inodes have room for about 60 bytes of value); the JSON form of earlier versions
 * (about 100 bytes, still read) took a 4 KiB block of its own per file, to write on every create and to read on
 * every cold stat.
 */
public final class MetaXattr {
  private static final byte VERSION = 1;

  private MetaXattr() {
  }

  public static byte[] encode(FileMeta m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    out.write(VERSION);
    UUID id = UUID.fromString(m.gfid());
    ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    out.writeBytes(b.array());
    varint(out, m.dirty());
    varint(out, m.dataVersion());
    varint(out, m.metaVersion());
    Map<Integer, Long> pending = new TreeMap<>(m.pending());
    pending.values().removeIf(n -> n == 0);
    varint(out, pending.size());
    pending.forEach((brick, n) -> {
      varint(out, brick);
      varint(out, n);
    });
    return out.toByteArray();
  }

  /** Reads either form: this one, or the JSON that bricks made before it. */
  public static FileMeta decode(byte[] raw) {
    if (raw.length > 0 && raw[0] == '{') {
      return FileMeta.fromJson(new JsonObject(Buffer.buffer(raw)));
    }
    ByteBuffer in = ByteBuffer.wrap(raw);
    if (in.get() != VERSION || in.remaining() < 16) {
      throw new IllegalArgumentException("unknown replication metadata format (" + raw.length + " bytes)");
    }
    String gfid = new UUID(in.getLong(), in.getLong()).toString();
    long dirty = varint(in);
    long dataVersion = varint(in);
    long metaVersion = varint(in);
    long n = varint(in);
    Map<Integer, Long> pending = new TreeMap<>();
    for (long i = 0; i < n; i++) {
      pending.put((int) varint(in), varint(in));
    }
    return new FileMeta(gfid, dirty, dataVersion, metaVersion, pending);
  }

  /** Zigzag LEB128: small counters of either sign take one byte. */
  private static void varint(ByteArrayOutputStream out, long v) {
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
  }

  private static long varint(ByteBuffer in) {
    long z = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      z |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      if (shift > 63) {
        throw new IllegalArgumentException("replication metadata: a counter is too long");
      }
    }
    return (z >>> 1) ^ -(z & 1);
  }
}
