package dev.mortar.common.brick.api;

import io.vertx.core.Future;

/**
 * A client of a brick: every operation of {@link BrickApi} goes through {@link #call}, where a client decides
 * how a request travels (the event bus, a brick directory on this host) and how long it is waited for.
 */
public abstract class AbstractBrickClient implements BrickApi {
  /** Sends any request; its reply, or a {@link dev.mortar.common.brick.BrickException}. */
  public abstract <R> Future<R> call(BrickRequest<R> request);

  @Override
  public final Future<Replies.StatusReply> status(Requests.Status request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> lookup(Requests.Lookup request) {
    return call(request);
  }

  @Override
  public final Future<Replies.EntriesReply> readdir(Requests.Readdir request) {
    return call(request);
  }

  @Override
  public final Future<Replies.NamesReply> listNames(Requests.ListNames request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> mkdir(Requests.Mkdir request) {
    return call(request);
  }

  @Override
  public final Future<Replies.DirsReply> rmdir(Requests.Rmdir request) {
    return call(request);
  }

  @Override
  public final Future<Replies.CreateReply> create(Requests.Create request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> open(Requests.Open request) {
    return call(request);
  }

  @Override
  public final Future<Replies.DataReply> read(Requests.Read request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> write(Requests.Write request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> truncate(Requests.Truncate request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> fsync(Requests.Fsync request) {
    return call(request);
  }

  @Override
  public final Future<Replies.DirsReply> unlink(Requests.Unlink request) {
    return call(request);
  }

  @Override
  public final Future<Replies.UnlinkManyReply> unlinkMany(Requests.UnlinkMany request) {
    return call(request);
  }

  @Override
  public final Future<Replies.DirsReply> rename(Requests.Rename request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> link(Requests.Link request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> symlink(Requests.Symlink request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> mknod(Requests.Mknod request) {
    return call(request);
  }

  @Override
  public final Future<Replies.TargetReply> readlink(Requests.Readlink request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> chmod(Requests.Chmod request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> chown(Requests.Chown request) {
    return call(request);
  }

  @Override
  public final Future<Replies.AttrReply> utimens(Requests.Utimens request) {
    return call(request);
  }

  @Override
  public final Future<Replies.StatfsReply> statfs(Requests.Statfs request) {
    return call(request);
  }

  @Override
  public final Future<Replies.DataReply> getXattr(Requests.GetXattr request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> setXattr(Requests.SetXattr request) {
    return call(request);
  }

  @Override
  public final Future<Replies.NamesReply> listXattr(Requests.ListXattr request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> removeXattr(Requests.RemoveXattr request) {
    return call(request);
  }

  @Override
  public final Future<Replies.MetaReply> metaGet(Requests.MetaGet request) {
    return call(request);
  }

  @Override
  public final Future<Replies.MetaReply> metaUpdate(Requests.MetaUpdate request) {
    return call(request);
  }

  @Override
  public final Future<Replies.EndSessionsReply> endSessions(Requests.EndSessions request) {
    return call(request);
  }

  @Override
  public final Future<Replies.ChecksumReply> checksum(Requests.Checksum request) {
    return call(request);
  }

  @Override
  public final Future<Replies.IndexReply> indexList(Requests.IndexList request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> lock(Requests.Lock request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> unlock(Requests.Unlock request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> flock(Requests.Flock request) {
    return call(request);
  }

  @Override
  public final Future<Replies.Done> recordLocks(Requests.RecordLocks request) {
    return call(request);
  }

  @Override
  public final Future<Replies.ProbeReply> probeRecordLock(Requests.ProbeRecordLock request) {
    return call(request);
  }
}
