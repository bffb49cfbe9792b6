package dev.mortar.common.brick.api;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.FileMeta;
import dev.mortar.common.brick.LockRange;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The replies of the brick protocol, one record per kind of answer (see {@link BrickApi}). */
public final class Replies {
  private Replies() {}

  /** An operation that answers nothing but that it was done. */
  public record Done() {
    public static final Done INSTANCE = new Done();
  }

  /**
   * @param rootId     the brick root's {@code device:inode} where it is a local directory, so that a client on the
   *                   same host can check that the path it sees is this very directory before it uses it itself
   * @param availBytes bytes free for writes on the brick's filesystem as of its last look (a second ago); -1 unknown
   * @param blames     the bricks (indices) this brick holds changes for that they missed: clients read nothing from
   *                   those until they are healed
   */
  public record StatusReply(boolean online, long pid, int port, String path, @Nullable String rootId, long availBytes,
                            List<Integer> blames) {}

  /**
   * @param attr the file's attributes after the operation; absent for a write made by a mount on the brick's host
   * @param dir  for MKDIR, SYMLINK and LINK: the directory of the new name, as the change left it (its times and
   *             link count); absent for the other operations
   */
  public record AttrReply(@Nullable Attr attr, @Nullable Attr dir) {
    public AttrReply(Attr attr) {
      this(attr, null);
    }
  }

  /**
   * @param locked whether the file's write lock was granted, where the create asked for it
   * @param dir    the file's directory, as the create left it
   */
  public record CreateReply(Attr attr, boolean locked, @Nullable Attr dir) {
    public CreateReply(Attr attr, boolean locked) {
      this(attr, locked, null);
    }
  }

  /**
   * The directories a change of names changed, as it left them, so that a mount shows their new times and link
   * counts without asking again (NFS's post-operation attributes). Absent where the brick could not read them.
   *
   * @param dir   the directory of the name removed (UNLINK, RMDIR) or moved away (RENAME)
   * @param toDir RENAME's target directory where it is another one
   */
  public record DirsReply(@Nullable Attr dir, @Nullable Attr toDir) {}

  /** File data, or an extended attribute's value. */
  public record DataReply(Buffer data) {}

  public record DirEntry(String name, Attr attr) {}

  public record EntriesReply(List<DirEntry> entries) {}

  public record NamesReply(List<String> names) {}

  public record TargetReply(String target) {}

  public record StatfsReply(long blockSize, long blocks, long blocksFree, long blocksAvailable, int maxNameLength) {}

  /** @param attr the file's attributes where asked for ({@link Requests.MetaGet}) */
  public record MetaReply(FileMeta meta, @Nullable Attr attr) {}

  /** A name that was not unlinked: its errno's name ({@code ENOENT}) and why. */
  public record FailedName(String name, String errno, String message) {}

  /** @param dir the directory, as the unlinks left it */
  public record UnlinkManyReply(List<FailedName> failed, @Nullable Attr dir) {
    public UnlinkManyReply(List<FailedName> failed) {
      this(failed, null);
    }
  }

  /** @param failed one message per dirty mark that could not be cleared (it stays: heal checks that file) */
  public record EndSessionsReply(List<String> failed) {}

  /** @param sum hex digest of the bytes there; @param size bytes actually there (0 past the end) */
  public record ChecksumReply(String sum, int size) {}

  /** @param meta the file's metadata, absent when the path is gone or now names another file (it is a hint) */
  public record IndexEntry(String gfid, String path, @Nullable FileMeta meta) {}

  public record IndexReply(List<IndexEntry> entries) {}

  /** @param conflict the first lock of another owner in the way, absent if none */
  public record ProbeReply(@Nullable LockRange conflict) {}
}
