package dev.mortar.brick.storage.s3;

import dev.mortar.brick.storage.BrickNames;
import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.FileMeta;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Writes a file's bytes: first in new blocks, then the manifest that names them, so that a crash in between leaves
 * only blocks no manifest names (which the sweep removes). Writes of one file that arrive together share one
 * manifest PUT.
 */
final class BlockWriter {
  private final InodeTree tree;
  private final Blocks blocks;
  private final Consumer<Inode> written;
  private final Map<String, Queue<PendingWrite>> pendingWrites = new ConcurrentHashMap<>();

  /** @param written told of every file whose manifest a write changed (compaction looks at it) */
  BlockWriter(InodeTree tree, Blocks blocks, Consumer<Inode> written) {
    this.tree = tree;
    this.blocks = blocks;
    this.written = written;
  }

  /** Writes {@code data} at {@code offset}; {@code meta} changes the replication metadata in the same PUT. */
  Inode write(String path, long offset, Buffer data, UnaryOperator<FileMeta> meta) {
    if (offset < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative offset");
    }
    Inode f = tree.regularFile(path);
    byte[] bytes = data.getBytes();
    List<Extent> pieces = new ArrayList<>();
    for (int pos = 0; pos < bytes.length; pos += Blocks.MAX_BLOCK) {
      int n = Math.min(Blocks.MAX_BLOCK, bytes.length - pos);
      pieces.add(new Extent(offset + pos, n, blocks.put(f.id(), Arrays.copyOfRange(bytes, pos, pos + n)), 0));
    }
    Inode next = commit(f, new PendingWrite(pieces, offset + bytes.length, meta, new CompletableFuture<>()));
    written.accept(next);
    return next;
  }

  /** A write whose blocks are in the bucket and whose manifest change is not yet. */
  private record PendingWrite(List<Extent> pieces, long end, UnaryOperator<FileMeta> meta,
                              CompletableFuture<Inode> done) {
    Inode applyTo(Inode cur) {
      List<Extent> ex = cur.extents();
      for (Extent p : pieces) {
        ex = Extent.write(ex, p.off(), p.len(), p.block());
      }
      return cur.withMeta(meta.apply(cur.meta())).withData(ex, Math.max(cur.size(), end));
    }
  }

  /**
   * Group commit: writes of one file that wait for its lock are put in one manifest PUT by whichever gets the lock
   * first (the client keeps many writes of a stream in flight). Every writer queues its write, then takes the
   * lock and commits what its queue holds, unless someone already did.
   */
  private Inode commit(Inode f, PendingWrite w) {
    Queue<PendingWrite> queue = pendingWrites.computeIfAbsent(f.id(), k -> new ConcurrentLinkedQueue<>());
    queue.add(w);
    tree.locked(f.id(), () -> {
      if (!w.done().isDone()) {
        List<PendingWrite> batch = new ArrayList<>();
        for (PendingWrite p; (p = queue.poll()) != null; ) {
          batch.add(p);
        }
        pendingWrites.remove(f.id(), queue); // an empty queue is not kept; a later writer makes a new one
        try {
          Inode next = tree.change(f, cur -> {
            Inode n = cur;
            for (PendingWrite p : batch) {
              n = p.applyTo(n);
            }
            return n;
          });
          batch.forEach(p -> p.done().complete(next));
        } catch (RuntimeException e) {
          batch.forEach(p -> p.done().completeExceptionally(e));
        }
      }
      return null;
    });
    try {
      return w.done().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  Inode truncate(String path, long size) {
    if (size < 0) {
      throw new BrickException(Errno.EINVAL, path + ": negative size");
    }
    Inode f = tree.find(path);
    if (f.isDirectory()) {
      throw new BrickException(Errno.EISDIR, path + ": is a directory");
    }
    if (f.isSymlink()) {
      throw new BrickException(Errno.EINVAL, path + ": is a symbolic link");
    }
    if (Attr.isSpecial(f.mode())) {
      throw BrickNames.notData(path);
    }
    return tree.change(f, cur -> cur.withData(Extent.truncate(cur.extents(), size), size));
  }
}
