package dev.mortar.mgmt.pool;

import dev.mortar.common.model.PoolState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The node's state directory: {@code node.json} (the UUID, made once) and {@code pool.json} (this node's copy of
 * the pool state). Writes go to a temporary file, are fsynced and renamed, so a crash leaves the old or the new
 * state, never half of one. Blocking: call from a worker thread.
 */
public final class StateStore implements AutoCloseable {
  private static final String NODE_FILE = "node.json";
  private static final String POOL_FILE = "pool.json";
  private static final String LOCK_FILE = "node.lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StateStore(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens the directory, creating it, and makes sure no other node process uses it. */
  public static StateStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null; // held by another node in this same JVM
    }
    if (l == null) {
      ch.close();
      throw new IOException("state directory " + dir + " is in use by another mortar node; give each node on this"
          + " machine its own --state-dir");
    }
    return new StateStore(dir, ch, l);
  }

  public Path dir() {
    return dir;
  }

  /** The node's UUID: read from node.json, or made and kept there on first start. */
  public String nodeUuid() throws IOException {
    Path f = dir.resolve(NODE_FILE);
    if (Files.exists(f)) {
      JsonObject j = new JsonObject(Files.readString(f));
      return UUID.fromString(j.getString("uuid")).toString();
    }
    String uuid = UUID.randomUUID().toString();
    writeAtomically(f, new JsonObject().put("uuid", uuid).encodePrettily());
    return uuid;
  }

  public Optional<PoolState> loadPool() throws IOException {
    Path f = dir.resolve(POOL_FILE);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(PoolState.fromJson(new JsonObject(Files.readString(f))));
    } catch (RuntimeException e) {
      throw new IOException(f + " is damaged (" + e.getMessage() + "); restore it from another peer's state"
          + " directory (same file) and restart", e);
    }
  }

  public void savePool(PoolState state) throws IOException {
    writeAtomically(dir.resolve(POOL_FILE), state.toJson().encodePrettily());
  }

  private void writeAtomically(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself must survive a crash
    }
  }

  @Override
  public void close() throws IOException {
    lock.release();
    lockChannel.close();
  }
}
