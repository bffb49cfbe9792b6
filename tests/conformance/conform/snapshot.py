"""What a program can see of an entry or a whole tree: the stat fields both sides define alike, the contents, a
symlink's target, a directory's names, extended attributes and ACLs. Times are kept apart (under "_times") because
only some of their relations are defined alike (see check.py)."""

import errno
import os
import stat

from . import acl
from .apply import digest, meta

XATTR_PREFIXES = ("user.", "trusted.")


def _err(e):
    return "err " + errno.errorcode.get(e.errno, str(e.errno))


def describe(dfd, name, st, families, contents=True):
    m = meta(st)
    m["_times"] = (st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns)
    if not contents:
        return m
    t = m["type"]
    try:
        if t == stat.S_IFREG:
            fd = os.open(name, os.O_RDONLY | os.O_NOATIME | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
            try:
                chunks = []
                while True:
                    b = os.read(fd, 1 << 20)
                    if not b:
                        break
                    chunks.append(b)
                m["data"] = digest(b"".join(chunks))
            finally:
                os.close(fd)
        elif t == stat.S_IFLNK:
            m["target"] = os.readlink(name, dir_fd=dfd)
        elif t == stat.S_IFDIR:
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dfd)
            try:
                m["names"] = sorted(os.fsencode(n) for n in os.listdir(fd))
            finally:
                os.close(fd)
    except OSError as e:
        m["read"] = _err(e)
    path = b"/proc/self/fd/%d/%s" % (dfd, name)
    if "xattr" in families:
        m["xattrs"] = _xattrs(path)
    if "acl" in families:
        m["acl"] = {kind: _acl(path, x) for kind, x in acl.XATTR.items()}
    return m


def _xattrs(path):
    try:
        names = [n for n in os.listxattr(path, follow_symlinks=False) if n.startswith(XATTR_PREFIXES)]
    except OSError as e:
        return _err(e)
    out = {}
    for n in sorted(names):
        try:
            out[n] = digest(os.getxattr(path, n, follow_symlinks=False))
        except OSError as e:
            out[n] = _err(e)
    return out


def _acl(path, name):
    try:
        return acl.decode(os.getxattr(path, name, follow_symlinks=False))
    except OSError as e:
        return None if e.errno == errno.ENODATA else _err(e)


def entry(side, rel, families):
    """One path below the run's root: its description, or {'absent': errno} where lstat fails."""
    try:
        st = os.lstat(rel, dir_fd=side.fd)
    except OSError as e:
        return {"absent": _err(e)}
    parent, _, name = rel.rpartition(b"/")
    if not parent:
        return describe(side.fd, rel, st, families)
    try:
        dfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY, dir_fd=side.fd)
    except OSError as e:
        return {"parent": _err(e)}
    try:
        return describe(dfd, name, st, families)
    finally:
        os.close(dfd)


def tree(side, families, contents=True):
    """Every entry below the run's root by its path, and the groups of paths that are one file (hard links)."""
    out = {b".": describe(side.fd, b".", os.lstat(b".", dir_fd=side.fd), families, contents)}
    inodes = {}

    def walk(dfd, prefix):
        for name in sorted(os.fsencode(n) for n in os.listdir(dfd)):
            st = os.lstat(name, dir_fd=dfd)
            rel = prefix + name
            out[rel] = describe(dfd, name, st, families, contents)
            if stat.S_ISDIR(st.st_mode):
                sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dfd)
                try:
                    walk(sub, rel + b"/")
                finally:
                    os.close(sub)
            else:
                inodes.setdefault(st.st_ino, []).append(rel)

    walk(side.fd, b"")
    links = sorted(sorted(paths) for paths in inodes.values() if len(paths) > 1)
    return out, links
