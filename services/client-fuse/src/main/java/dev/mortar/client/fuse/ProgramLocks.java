package dev.mortar.client.fuse;

import dev.mortar.client.replication.MountLocks;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import dev.mortar.common.brick.LockRange;
import ru.serce.jnrfuse.struct.Flock;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** Programs' flock(2) and fcntl(2) locks, across every mount of the volume: FUSE's side of {@link MountLocks}. */
final class ProgramLocks {
  /** fcntl(2) commands, as x86-64 Linux numbers them (64-bit offsets). */
  private static final int F_GETLK = 5;
  private static final int F_SETLKW = 7;

  private final MountLocks locks;
  private final Namespace ns;
  private final String clientId;

  ProgramLocks(MountLocks locks, Namespace ns, String clientId) {
    this.locks = locks;
    this.ns = ns;
    this.clientId = clientId;
  }

  /** By file ID, so a rename keeps the lock. */
  int flock(String path, FuseFileInfo fi, int op, long pid) {
    return locks.flock(fileId(path), path, lockOwner(fi), op, pid);
  }

  /** fcntl(2) record locks. */
  int lock(String path, FuseFileInfo fi, int cmd, Flock flock, long pid) {
    String owner = lockOwner(fi);
    int type = flock.l_type.get();
    long start = flock.l_start.get();
    long len = flock.l_len.get();
    if (start < 0 || len < 0 || len > 0 && start > Long.MAX_VALUE - len) {
      return -Errno.EINVAL.code;
    }
    LockRange range = new LockRange(start, len == 0 ? Long.MAX_VALUE : start + len - 1, type == Flock.F_WRLCK);
    if (cmd == F_GETLK) {
      LockRange theirs = locks.getlk(fileId(path), owner, range);
      if (theirs == null) {
        flock.l_type.set(Flock.F_UNLCK);
      } else {
        flock.l_type.set(theirs.write() ? Flock.F_WRLCK : Flock.F_RDLCK);
        flock.l_start.set(theirs.start());
        flock.l_len.set(theirs.end() == Long.MAX_VALUE ? 0 : theirs.end() - theirs.start() + 1);
        flock.l_pid.set(0); // held through another mount: no process of this host
      }
      return 0;
    }
    if (type == Flock.F_UNLCK && !locks.holdsRecordLocks(owner)) {
      return 0; // every close(2) unlocks: free unless the process locked something
    }
    String gfid;
    try {
      gfid = fileId(path);
    } catch (BrickException gone) { // unlinked or renamed away since it was locked: unlocked by its ID
      gfid = type == Flock.F_UNLCK ? locks.recordLocked(owner, path) : null;
      if (gfid == null) {
        throw gone;
      }
    }
    return locks.setlk(gfid, path, owner, range, type != Flock.F_UNLCK, cmd == F_SETLKW, pid);
  }

  /** A flocked file closed for the last time (lock_owner 0: none). */
  void released(FuseFileInfo fi) {
    locks.released(lockOwner(fi));
  }

  /**
   * The file ID locks are kept by, as the bricks have it. A new file of this mount whose create is not sent yet is
   * made first: another mount may have made the name meanwhile (its program opened it with O_CREAT too), and the
   * file then keeps that mount's ID, so a lock under the ID chosen here would exclude nobody.
   */
  private String fileId(String path) {
    ns.settle(path);
    return ns.lookup(path).gfid();
  }

  /**
   * The kernel's lock owner: for a flock the open file description (shared by dup(2) and fork(2)), for a record lock
   * the process, as locally.
   */
  private String lockOwner(FuseFileInfo fi) {
    return clientId + "/" + fi.lock_owner.get();
  }
}
