"""Runs one step on one side (the local directory or the mount) and returns what a program would see: ("ok", value)
or ("err", "ENOENT"). Every path is opened relative to the run's root directory descriptor."""

import ctypes
import errno
import hashlib
import os
import pickle
import random
import stat

from . import acl
from .steps import GROUP, MODE_TYPES, OTHER_GROUP

UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2
AT_SYMLINK_NOFOLLOW = 0x100
SPECIAL = (stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK, stat.S_IFSOCK)
FLAGS = {
    "w": os.O_WRONLY | os.O_CREAT, "wx": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
    "wt": os.O_WRONLY | os.O_CREAT | os.O_TRUNC, "a": os.O_WRONLY | os.O_APPEND, "r": os.O_RDONLY,
    "rw": os.O_RDWR, "rwt": os.O_RDWR | os.O_TRUNC,
}

_libc = ctypes.CDLL(None, use_errno=True)


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def utimensat(dirfd, path, atime, mtime, follow):
    """utimensat(2) with UTIME_NOW / UTIME_OMIT, which os.utime cannot say."""
    ts = (_Timespec * 2)(_Timespec(*_split(atime)), _Timespec(*_split(mtime)))
    if _libc.utimensat(dirfd, path, ts, 0 if follow else AT_SYMLINK_NOFOLLOW) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def _split(t):
    if t in (UTIME_NOW, UTIME_OMIT):
        return 0, t
    return t // 1_000_000_000, t % 1_000_000_000


def data(n, seed):
    return random.Random(seed).randbytes(n)


def digest(b):
    return "%d:%s" % (len(b), hashlib.sha1(b).hexdigest()[:12])


def meta(st):
    """The stat fields both sides define the same way (not st_blocks, st_ino, st_dev, a directory's size)."""
    t = stat.S_IFMT(st.st_mode)
    m = dict(type=t, mode=stat.S_IMODE(st.st_mode), nlink=st.st_nlink, uid=st.st_uid, gid=st.st_gid)
    if t != stat.S_IFDIR:
        m["size"] = st.st_size
    if t in (stat.S_IFCHR, stat.S_IFBLK):
        m["rdev"] = (os.major(st.st_rdev), os.minor(st.st_rdev))
    return m


class Side:
    """One directory tree the steps run on: the run's root, open, and the descriptors that steps keep open."""

    def __init__(self, name, root):
        self.name = name
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        self.slots = {}

    def path(self, rel):
        """A path for the calls that take no directory descriptor (xattrs, truncate)."""
        return b"/proc/self/fd/%d/%s" % (self.fd, rel)

    def close(self):
        for fd in self.slots.values():
            _quiet_close(fd)
        self.slots.clear()
        os.close(self.fd)


def _quiet_close(fd):
    try:
        os.close(fd)
    except OSError:
        pass


class Skip(Exception):
    """The step opens a special file (a FIFO would block, a device is another driver's): not run on either side."""


def _open(side, path, flags, mode=0o644):
    try:
        st = os.stat(path, dir_fd=side.fd)
        if stat.S_IFMT(st.st_mode) in SPECIAL:
            raise Skip()
    except OSError:
        pass  # open(2) itself says why
    return os.open(path, flags | os.O_NONBLOCK, mode, dir_fd=side.fd)


def _write_all(fd, b, off=None):
    done = 0
    while done < len(b):
        done += os.pwrite(fd, b[done:], off + done) if off is not None else os.write(fd, b[done:])
    return done


def _create(side, s):
    fd = _open(side, s["path"], FLAGS[s["flags"]], s["mode"])
    try:
        return _write_all(fd, data(s["n"], s["data"]))
    finally:
        os.close(fd)


def _write(side, s):
    append = s["op"] == "append"
    fd = _open(side, s["path"], os.O_WRONLY | (os.O_APPEND if append else 0))
    try:
        return _write_all(fd, data(s["n"], s["data"]), None if append else s["off"])
    finally:
        os.close(fd)


def _read(side, s):
    fd = _open(side, s["path"], os.O_RDONLY)
    try:
        return digest(os.pread(fd, s["n"], s["off"]))
    finally:
        os.close(fd)


def _unlink_open(side, s):
    fd = _open(side, s["path"], os.O_RDWR)
    try:
        os.unlink(s["path"], dir_fd=side.fd)
        _write_all(fd, data(s["n"], s["data"]), s["off"])
        got = os.pread(fd, s["n"], s["off"])
        return digest(got), meta(os.fstat(fd))
    finally:
        os.close(fd)


def _open_slot(side, s):
    old = side.slots.pop(s["slot"], None)
    if old is not None:
        os.close(old)
    side.slots[s["slot"]] = _open(side, s["path"], FLAGS[s["flags"]])


def _slot(side, s):
    if s["slot"] not in side.slots:
        raise OSError(errno.EBADF, "no descriptor in this slot")
    return side.slots[s["slot"]]


def _close_slot(side, s):
    os.close(_slot(side, s))
    del side.slots[s["slot"]]


def _link_rename(side, s):
    os.link(s["src"], s["dst"], src_dir_fd=side.fd, dst_dir_fd=side.fd)
    os.rename(s["src"], s["dst"], src_dir_fd=side.fd, dst_dir_fd=side.fd)


def _mknod(side, s):
    dev = os.makedev(*s["rdev"])
    os.mknod(s["path"], s["mode"] | MODE_TYPES[s["kind"]], dev, dir_fd=side.fd)


def _utime_omit(side, s):
    other = UTIME_NOW if s["other"] == "now" else s["other"]
    at, mt = (UTIME_OMIT, other) if s["omit"] == "atime" else (other, UTIME_OMIT)
    utimensat(side.fd, s["path"], at, mt, s["follow"])


def _deep(side, s):
    """Directories of 255-byte names down to a file whose path below the volume's root is s['total'] bytes."""
    rel_root = len(os.path.basename(side.root)) + 1  # the run's directory is part of the path the volume sees
    left = s["total"] - rel_root - len(s["top"]) - 1
    fd = os.open(s["top"], os.O_RDONLY | os.O_DIRECTORY, dir_fd=side.fd) if _exists(side.fd, s["top"]) else None
    if fd is None:
        os.mkdir(s["top"], 0o755, dir_fd=side.fd)
        fd = os.open(s["top"], os.O_RDONLY | os.O_DIRECTORY, dir_fd=side.fd)
    try:
        depth = 0
        while left > 255:
            name = (b"%d" % depth).ljust(255, b"d")
            if not _exists(fd, name):
                os.mkdir(name, 0o755, dir_fd=fd)
            nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, left, depth = nfd, left - 256, depth + 1
        leaf = b"f" * max(left, 1)
        f = os.open(leaf, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=fd)
        try:
            _write_all(f, b"deep\n")
            return digest(os.pread(f, 100, 0)), meta(os.fstat(f))
        finally:
            os.close(f)
    finally:
        os.close(fd)


def _exists(dirfd, name):
    try:
        os.lstat(name, dir_fd=dirfd)
        return True
    except FileNotFoundError:
        return False


def _xattrs_of(names):
    return sorted(n for n in names if n.startswith(("user.", "trusted.", "system.posix_acl")))


_OPS = {
    "create": _create,
    "write": _write,
    "append": _write,
    "truncate": lambda side, s: os.truncate(side.path(s["path"]), s["size"]),
    "read": _read,
    "unlink": lambda side, s: os.unlink(s["path"], dir_fd=side.fd),
    "mkdir": lambda side, s: os.mkdir(s["path"], s["mode"], dir_fd=side.fd),
    "rmdir": lambda side, s: os.rmdir(s["path"], dir_fd=side.fd),
    "rename": lambda side, s: os.rename(s["src"], s["dst"], src_dir_fd=side.fd, dst_dir_fd=side.fd),
    "chmod": lambda side, s: os.chmod(s["path"], s["mode"], dir_fd=side.fd),
    "listdir": lambda side, s: sorted(os.listdir(side.path(s["path"]))),
    "open": _open_slot,
    "fwrite": lambda side, s: _write_all(_slot(side, s), data(s["n"], s["data"]), s["off"]),
    "fread": lambda side, s: digest(os.pread(_slot(side, s), s["n"], s["off"])),
    "ftruncate": lambda side, s: os.ftruncate(_slot(side, s), s["size"]),
    "fstat": lambda side, s: meta(os.fstat(_slot(side, s))),
    "fsync": lambda side, s: os.fsync(_slot(side, s)),
    "close": _close_slot,
    "unlink_open": _unlink_open,
    "link": lambda side, s: os.link(s["src"], s["dst"], src_dir_fd=side.fd, dst_dir_fd=side.fd,
                                    follow_symlinks=s["follow"]),
    "symlink": lambda side, s: os.symlink(s["target"], s["path"], dir_fd=side.fd),
    "readlink": lambda side, s: os.readlink(s["path"], dir_fd=side.fd),
    "stat": lambda side, s: meta(os.stat(s["path"], dir_fd=side.fd)),
    "link_rename": _link_rename,
    "chown": lambda side, s: os.chown(s["path"], s["uid"], s["gid"], dir_fd=side.fd, follow_symlinks=s["follow"]),
    "utime": lambda side, s: os.utime(s["path"], ns=(s["atime"], s["mtime"]), dir_fd=side.fd,
                                      follow_symlinks=s["follow"]),
    "utime_now": lambda side, s: utimensat(side.fd, s["path"], UTIME_NOW, UTIME_NOW, s["follow"]),
    "utime_omit": _utime_omit,
    "mknod": _mknod,
    "setxattr": lambda side, s: os.setxattr(side.path(s["path"]), s["name"], data(s["n"], s["data"]), s["flags"],
                                            follow_symlinks=s["follow"]),
    "getxattr": lambda side, s: digest(os.getxattr(side.path(s["path"]), s["name"], follow_symlinks=s["follow"])),
    "listxattr": lambda side, s: _xattrs_of(os.listxattr(side.path(s["path"]), follow_symlinks=s["follow"])),
    "removexattr": lambda side, s: os.removexattr(side.path(s["path"]), s["name"], follow_symlinks=s["follow"]),
    "setacl": lambda side, s: os.setxattr(side.path(s["path"]), acl.XATTR[s["kind"]],
                                          acl.encode(s["perms"], s["named"])),
    "getacl": lambda side, s: acl.decode(os.getxattr(side.path(s["path"]), acl.XATTR[s["kind"]])),
    "rmacl": lambda side, s: os.removexattr(side.path(s["path"]), acl.XATTR[s["kind"]]),
    "deep": _deep,
}


def run_step(side, s):
    """The step's outcome on this side, as the other user if the step says so."""
    if s.get("user") is not None:
        return _as_user(side, s)
    return _outcome(side, s)


def _outcome(side, s):
    try:
        v = _OPS[s["op"]](side, s)
        return ("ok",) if v is None else ("ok", v)
    except Skip:
        return ("skipped: a special file",)
    except OSError as e:
        return ("err", errno.errorcode.get(e.errno, str(e.errno)))


def _as_user(side, s):
    """In a child that has become the other user (with its supplementary group)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([GROUP, OTHER_GROUP])
            os.setresgid(GROUP, GROUP, GROUP)
            os.setresuid(s["user"], s["user"], s["user"])
            os.write(w, pickle.dumps(_outcome(side, s)))
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        got = f.read()
    os.waitpid(pid, 0)
    return pickle.loads(got) if got else ("child died",)
