#!/usr/bin/env python3
"""Makes a sample tree for copy round trips (tar, cp -a, rsync): files of every size, modes and owners, hard links,
a sparse file, symbolic links (relative, absolute, dangling, to a directory), long and odd (UTF-8) names, and an
explicit mtime, to the nanosecond, on every entry. --special adds a FIFO and device nodes, --xattrs user.* and
trusted.* extended attributes, --acls access and default ACLs. Run as root."""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conform import acl  # noqa: E402


def make(root, special, xattrs, acls):
    rnd = random.Random(7)
    os.makedirs(root)

    def file(rel, data=b"", mode=0o644, owner=None):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        if owner:
            os.chown(p, *owner)
        return p

    file("small.txt", b"hello, world\n")
    file("empty")
    file("random.bin", rnd.randbytes(300_000))
    file("exec.sh", b"#!/bin/sh\necho hi\n", 0o755)
    file("private", b"secret\n", 0o600, (1234, 2345))
    file("read-only", b"ro\n", 0o444)
    file("a/b/c/deep.txt", b"deep\n" * 1000)
    file("owned/by-other", b"x", 0o640, (4321, 4321))
    os.chown(os.path.join(root, "owned"), 1234, 1234)
    os.makedirs(os.path.join(root, "empty-dir"))
    os.makedirs(os.path.join(root, "closed"), mode=0o700)
    os.chmod(os.path.join(root, "closed"), 0o750)

    one = file("links/one", b"one file, three names\n")
    os.link(one, os.path.join(root, "links/two"))
    os.link(one, os.path.join(root, "a/three"))
    pair = file("links/pair-1", rnd.randbytes(5000))
    os.link(pair, os.path.join(root, "links/pair-2"))

    with open(os.path.join(root, "sparse.img"), "wb") as f:  # holes at the start, the middle and the end
        f.seek(1 << 20)
        f.write(b"data after a 1 MiB hole")
        f.seek(9 << 20)
        f.write(rnd.randbytes(4096))
        f.truncate(16 << 20)

    os.symlink("../small.txt", os.path.join(root, "a/rel-link"))
    os.symlink("no/such/file", os.path.join(root, "dangling"))
    os.symlink("a/b", os.path.join(root, "dir-link"))
    os.symlink("/etc/hostname", os.path.join(root, "abs-link"))

    file("L" * 255, b"longest name\n")
    file("n" * 200 + "/" + "m" * 255, b"long names below a long name\n")
    for name in ("with space", "tab\there", "new\nline", "\u00fcn\u00efc\u00f8d\u00e9 \u20ac", "-dash", "*star?",
                 "'quote\"", "back\\slash", ".hidden"):
        file("odd/" + name, name.encode() + b"\n")

    if special:
        os.mkfifo(os.path.join(root, "fifo"), 0o640)
        os.mknod(os.path.join(root, "char-dev"), 0o600 | 0o020000, os.makedev(1, 3))
        os.mknod(os.path.join(root, "block-dev"), 0o660 | 0o060000, os.makedev(7, 0))
    if xattrs:
        for rel in ("small.txt", "a", "links/one"):
            p = os.path.join(root, rel)
            os.setxattr(p, "user.comment", b"kept by the copy")
            os.setxattr(p, "user.empty", b"")
            os.setxattr(p, "trusted.origin", rel.encode())
    if acls:
        os.setxattr(os.path.join(root, "small.txt"), acl.XATTR["access"], acl.encode([6, 4, 4, 6, 4, 6],
                                                                                     [("user", 1234)]))
        d = os.path.join(root, "a/b")
        os.setxattr(d, acl.XATTR["access"], acl.encode([7, 5, 5, 7, 5, 7], [("group", 2345)]))
        os.setxattr(d, acl.XATTR["default"], acl.encode([7, 5, 0, 5, 7, 7], [("user", 1234)]))

    # Times last, deepest first, so that making an entry does not change its directory's mtime afterwards.
    entries = []
    for top, dirs, files in os.walk(root):
        entries += [os.path.join(top, n) for n in dirs + files]
    for k, p in enumerate(sorted(entries, key=lambda p: -p.count("/"))):
        t = (1_500_000_000 + 3_600 * k) * 1_000_000_000 + 123_456_789 + k
        os.utime(p, ns=(t, t), follow_symlinks=False)
    os.utime(root, ns=(1_400_000_000_987_654_321,) * 2)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("dir", help="made here; must not exist")
    p.add_argument("--special", action="store_true")
    p.add_argument("--xattrs", action="store_true")
    p.add_argument("--acls", action="store_true")
    a = p.parse_args(argv)
    os.umask(0o022)
    make(a.dir, a.special, a.xattrs, a.acls)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
