package dev.mortar.common.brick.api;

import io.vertx.core.Future;

/**
 * The brick protocol: every operation a POSIX filesystem needs, plus what replication, heal and locks need, each a
 * request record ({@link Requests}) and a reply record ({@link Replies}). Implemented by the brick's server
 * ({@code dev.mortar.brick.server}) and by {@link RemoteBrick}, the one client of a brick over the event bus; the
 * records travel in {@link dev.mortar.common.brick.BrickFrame}s encoded by {@link BrickCodec}. A failure is a
 * {@link dev.mortar.common.brick.BrickException} with the errno a program expects.
 */
public interface BrickApi {
  Future<Replies.StatusReply> status(Requests.Status request);

  Future<Replies.AttrReply> lookup(Requests.Lookup request);

  Future<Replies.EntriesReply> readdir(Requests.Readdir request);

  Future<Replies.NamesReply> listNames(Requests.ListNames request);

  Future<Replies.AttrReply> mkdir(Requests.Mkdir request);

  Future<Replies.DirsReply> rmdir(Requests.Rmdir request);

  Future<Replies.CreateReply> create(Requests.Create request);

  Future<Replies.AttrReply> open(Requests.Open request);

  Future<Replies.DataReply> read(Requests.Read request);

  Future<Replies.AttrReply> write(Requests.Write request);

  Future<Replies.AttrReply> truncate(Requests.Truncate request);

  Future<Replies.Done> fsync(Requests.Fsync request);

  Future<Replies.DirsReply> unlink(Requests.Unlink request);

  Future<Replies.UnlinkManyReply> unlinkMany(Requests.UnlinkMany request);

  Future<Replies.DirsReply> rename(Requests.Rename request);

  Future<Replies.AttrReply> link(Requests.Link request);

  Future<Replies.AttrReply> symlink(Requests.Symlink request);

  Future<Replies.AttrReply> mknod(Requests.Mknod request);

  Future<Replies.TargetReply> readlink(Requests.Readlink request);

  Future<Replies.AttrReply> chmod(Requests.Chmod request);

  Future<Replies.AttrReply> chown(Requests.Chown request);

  Future<Replies.AttrReply> utimens(Requests.Utimens request);

  Future<Replies.StatfsReply> statfs(Requests.Statfs request);

  Future<Replies.DataReply> getXattr(Requests.GetXattr request);

  Future<Replies.Done> setXattr(Requests.SetXattr request);

  Future<Replies.NamesReply> listXattr(Requests.ListXattr request);

  Future<Replies.Done> removeXattr(Requests.RemoveXattr request);

  Future<Replies.MetaReply> metaGet(Requests.MetaGet request);

  Future<Replies.MetaReply> metaUpdate(Requests.MetaUpdate request);

  Future<Replies.EndSessionsReply> endSessions(Requests.EndSessions request);

  Future<Replies.ChecksumReply> checksum(Requests.Checksum request);

  Future<Replies.IndexReply> indexList(Requests.IndexList request);

  Future<Replies.Done> lock(Requests.Lock request);

  Future<Replies.Done> unlock(Requests.Unlock request);

  Future<Replies.Done> flock(Requests.Flock request);

  Future<Replies.Done> recordLocks(Requests.RecordLocks request);

  Future<Replies.ProbeReply> probeRecordLock(Requests.ProbeRecordLock request);
}
