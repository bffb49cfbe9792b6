package dev.mortar.common.brick;

/**
 * The errors a brick answers with: Linux errno values, carried as the failure code of an event-bus reply, so that
 * the FUSE client hands a program exactly the errno it expects (never a generic failure).
 */
public enum Errno {
  EPERM(1), ENOENT(2), EINTR(4), EIO(5), EAGAIN(11), EACCES(13), EBUSY(16), EEXIST(17), EXDEV(18), ENOTDIR(20), EISDIR(21), EINVAL(22), EFBIG(27),
  ENOSPC(28), EROFS(30), EMLINK(31), ERANGE(34), ENAMETOOLONG(36), ENOTEMPTY(39), ELOOP(40), ENODATA(61),
  EOPNOTSUPP(95), ENOTCONN(107), ETIMEDOUT(110), ESTALE(116);

  public final int code;

  Errno(int code) {
    this.code = code;
  }

  public static Errno of(int code) {
    for (Errno e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return EIO;
  }
}
