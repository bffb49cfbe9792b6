package dev.mortar.brick.storage.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small files of a brick's private metadata (heal-index entries) reused instead of created and deleted. Every write
 * session of a file adds an index entry and its end removes it; on ext4, files created and deleted at that rate make
 * the allocation of every new inode skip the recently freed ones one by one (half of a brick's CPU during small-file
 * creates went to {@code recently_deleted()} in {@code __ext4_new_inode}). A spare is renamed into place and back:
 * no inode is allocated or freed.
 */
final class SpareFiles {
  /** Spares kept at most; an entry retired beyond that is deleted. */
  static final int MAX = 1024;

  private final Path dir;
  private final Deque<Path> spares = new ConcurrentLinkedDeque<>();
  private final AtomicInteger kept = new AtomicInteger();
  private final String prefix = Long.toString(System.currentTimeMillis(), 36) + "-";
  private final AtomicLong names = new AtomicLong();

  /** Uses (and creates) {@code dir}, taking up the spares a previous run left in it. */
  SpareFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        spares.add(p);
        kept.incrementAndGet();
      }
    }
  }

  /** Writes {@code content} into a spare (or a new file) and renames it to {@code target}: it appears whole. */
  void place(Path target, byte[] content) throws IOException {
    Path f = spares.pollFirst();
    boolean fresh = f == null;
    if (fresh) {
      f = freshName();
    } else {
      kept.decrementAndGet();
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(content), 0);
      ch.truncate(content.length); // shrinks in place: the data block stays allocated
    } catch (IOException e) { // a full disk: the file is no spare (it has no block), and must not stay
      if (fresh) {
        Files.deleteIfExists(f);
      } else {
        spares.addFirst(f);
        kept.incrementAndGet();
      }
      throw e;
    }
    Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Takes {@code entry} out of its directory to be used again, or deletes it when enough spares are kept. */
  void retire(Path entry) {
    try {
      if (kept.get() >= MAX) {
        Files.deleteIfExists(entry);
        return;
      }
      Path f = freshName();
      Files.move(entry, f, StandardCopyOption.ATOMIC_MOVE);
      spares.addLast(f);
      kept.incrementAndGet();
    } catch (NoSuchFileException gone) {
      // retired already
    } catch (IOException e) {
      try {
        Files.deleteIfExists(entry);
      } catch (IOException stays) {
        // best effort, as the plain delete this replaces
      }
    }
  }

  int kept() {
    return kept.get();
  }

  private Path freshName() {
    return dir.resolve(prefix + names.incrementAndGet());
  }
}
