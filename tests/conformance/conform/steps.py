"""The random step list: a pure function of (seed, families, count), so a step list can be named by its indices.

Paths come from a small fixed pool (relative to the run's root directory), so that most steps meet something an
earlier step made, and the others fail with an errno that is compared as well.
"""

import random
import stat

FAMILIES = ("basic", "open", "links", "nlink", "owners", "setid", "times", "special", "xattr", "acl", "oddnames",
            "names")

# Another user for the 'owners' family: not in /etc/passwd on purpose (nothing of it exists anywhere else).
USER = 1234
GROUP = 1234
OTHER_GROUP = 2345  # a supplementary group of USER: chown to it is allowed to the owner
IDS = (0, USER, OTHER_GROUP, 4321)

DIRS = (b"a", b"b", b"a/c", b"b/c", b"a/c/d")
PLAIN_LEAVES = (b"f", b"g", b"h")
# Valid UTF-8 that is not plain: every ASCII byte 0x01-0x7f but '/', multi-byte characters, the longest name.
ASCII_ODD = bytes(b for b in range(1, 0x80) if b != 0x2F and b != 0x2E)
ODD_LEAVES = (
    ASCII_ODD[:40], ASCII_ODD[40:80], ASCII_ODD[80:], b" lead and trail ", b"new\nline", b".hidden", b"..x",
    "\u00fc\u20ac\U0001F600".encode(), b"L" * 255,
)
# Bytes that are not UTF-8: every byte 0x80-0xff, names that differ only in such a byte.
BYTE_LEAVES = (bytes(range(0x80, 0xC0)), bytes(range(0xC0, 0x100)), b"col\xfe", b"col\xff", b"\xff" * 255)

MODES = (0o644, 0o600, 0o755, 0o777, 0o700, 0o000, 0o666, 0o640, 0o311)
DIR_MODES = (0o755, 0o777, 0o700, 0o555, 0o711, 0o753)
# 'setid': set-user-ID, set-group-ID and sticky bits (a setgid directory passes its group and the bit on).
SETID_MODES = (0o1777, 0o2775, 0o4755, 0o2755, 0o1755, 0o3777, 0o6711, 0o2777, 0o4777, 0o2700)
OPEN_FLAGS = ("w", "wx", "wt", "a", "r", "rw", "rwt")
# Explicit times: whole seconds and nanoseconds, before 1970, after 2038.
TIME_SECONDS = (0, 86_400, 1_000_000_000, 1_234_567_890, 2_000_000_000, 4_102_444_800, -86_400)
TIME_NANOS = (0, 1, 123_456_789, 999_999_999)
XATTR_NAMES = (b"user.a", b"user.b", b"user." + b"n" * 200, b"trusted.t", b"trusted.u")
XATTR_FLAGS = (0, 1, 2)  # 0, XATTR_CREATE, XATTR_REPLACE
SLOTS = 3


class Pool:
    """The names the steps use: directories, files, and anything (a file name where a directory is expected)."""

    def __init__(self, families):
        leaves = list(PLAIN_LEAVES)
        if "oddnames" in families:
            leaves += ODD_LEAVES
        if "names" in families:
            leaves += BYTE_LEAVES
        self.dirs = list(DIRS)
        self.files = leaves + [d + b"/" + leaf for d in DIRS for leaf in leaves]
        self.odd = [p for p in self.files if p.rsplit(b"/", 1)[-1] not in PLAIN_LEAVES]


class Gen:
    def __init__(self, rnd, families):
        self.r = rnd
        self.families = families
        self.pool = Pool(families)

    def choice(self, xs):
        return self.r.choice(xs)

    def file(self):
        # Odd names are many: pick them a quarter of the time, so that plain files still meet each other.
        if self.pool.odd and self.r.random() < 0.25:
            return self.choice(self.pool.odd)
        plain = [p for p in self.pool.files if p not in self.pool.odd]
        return self.choice(plain)

    def dir(self):
        return self.choice(self.pool.dirs + [b"."]) if self.r.random() < 0.9 else self.file()

    def any(self):
        return self.file() if self.r.random() < 0.7 else self.dir()

    def data(self):
        n = self.choice((0, 1, 7, 100, 4096, 5000, 70_000))
        return n, self.r.randrange(1 << 30)

    def mode(self, dirs=False):
        if "setid" in self.families and self.r.random() < 0.4:
            return self.choice(SETID_MODES)
        return self.choice(DIR_MODES if dirs else MODES)

    def offset(self):
        return self.choice((0, 0, 1, 10, 4095, 4096, 65_536, 131_072 + 3, 1 << 20))

    def time(self):
        return self.choice(TIME_SECONDS) * 1_000_000_000 + self.choice(TIME_NANOS)

    def owner(self):
        return self.choice(IDS + (-1,))


def _basic(g):
    op = g.choice(("create", "create", "write", "write", "append", "truncate", "read", "unlink", "mkdir", "mkdir",
                   "rmdir", "rename", "rename", "chmod", "listdir"))
    if op == "create":
        n, s = g.data()
        return dict(op=op, path=g.file(), flags=g.choice(("w", "wx", "wt")), mode=g.mode(), n=n, data=s)
    if op in ("write", "append"):
        n, s = g.data()
        return dict(op=op, path=g.file(), off=g.offset(), n=n, data=s)
    if op == "truncate":
        return dict(op=op, path=g.file(), size=g.offset())
    if op == "read":
        return dict(op=op, path=g.file(), off=g.offset(), n=g.choice((1, 100, 70_000)))
    if op == "unlink":
        return dict(op=op, path=g.any())
    if op == "mkdir":
        return dict(op=op, path=g.dir() if g.r.random() < 0.8 else g.file(), mode=g.mode(dirs=True))
    if op == "rmdir":
        return dict(op=op, path=g.dir())
    if op == "rename":
        return dict(op=op, src=g.any(), dst=g.any())
    if op == "chmod":
        return dict(op=op, path=g.any(), mode=g.mode())
    return dict(op="listdir", path=g.dir())


def _open(g):
    """Descriptors kept open across steps, and files unlinked or renamed over while open."""
    op = g.choice(("open", "open", "fwrite", "fread", "ftruncate", "fstat", "fsync", "close", "unlink_open",
                   "unlink", "rename"))
    if op == "open":
        return dict(op=op, slot=g.r.randrange(SLOTS), path=g.file(), flags=g.choice(OPEN_FLAGS))
    if op == "fwrite":
        n, s = g.data()
        return dict(op=op, slot=g.r.randrange(SLOTS), off=g.offset(), n=n, data=s)
    if op == "fread":
        return dict(op=op, slot=g.r.randrange(SLOTS), off=g.offset(), n=g.choice((1, 100, 70_000)))
    if op == "ftruncate":
        return dict(op=op, slot=g.r.randrange(SLOTS), size=g.offset())
    if op in ("fstat", "fsync", "close"):
        return dict(op=op, slot=g.r.randrange(SLOTS))
    if op == "unlink":
        return dict(op=op, path=g.file())
    if op == "rename":
        return dict(op=op, src=g.file(), dst=g.file())
    n, s = g.data()
    return dict(op="unlink_open", path=g.file(), off=g.offset(), n=n or 1, data=s)


def _links(g):
    op = g.choice(("link", "link", "symlink", "symlink", "readlink", "stat", "link_rename", "rename_link"))
    if op == "link":
        return dict(op=op, src=g.any(), dst=g.file(), follow=g.r.random() < 0.5)
    if op == "symlink":
        target = g.choice((g.any(), b"../" + g.any(), b"/nonexistent/x", b"dangling", b"a/../f", b"x" * 300))
        return dict(op=op, target=target, path=g.file() if g.r.random() < 0.8 else g.dir())
    if op in ("readlink", "stat"):
        return dict(op=op, path=g.any())
    if op == "link_rename":  # rename(2) between two names of one file does nothing
        return dict(op=op, src=g.file(), dst=g.file())
    return dict(op="rename", src=g.file(), dst=g.file())


def _owners(g):
    if g.r.random() < 0.5:
        return dict(op="chown", path=g.any(), uid=g.owner(), gid=g.owner(), follow=g.r.random() < 0.5)
    # Any step of the other families, as the other user (steps on open descriptors stay root's).
    others = [f for f in g.families if f in _BY_FAMILY and f != "owners"] or ["basic"]
    while True:
        s = _step_of(g, g.choice(others))
        # Not on the mount's root as ".": the kernel resolves it without asking the filesystem, which cannot tell it
        # from the mount point (whose search permission is its parent's), so a root without x for the user differs.
        if "slot" not in s and s["op"] not in ("deep", "mknod") and b"." not in (s.get("path"), s.get("src"),
                                                                                   s.get("dst")):
            if s["op"] == "chown":
                s["uid"] = -1
            s["user"] = USER
            return s


def _times(g):
    op = g.choice(("utime", "utime", "utime_now", "utime_omit"))
    path, follow = g.any(), g.r.random() < 0.5
    if op == "utime":
        return dict(op=op, path=path, atime=g.time(), mtime=g.time(), follow=follow)
    if op == "utime_now":
        return dict(op=op, path=path, follow=follow)
    which = g.choice(("atime", "mtime"))
    other = g.choice(("now", g.time()))
    return dict(op=op, path=path, omit=which, other=other, follow=follow)


def _special(g):
    kind = g.choice(("fifo", "fifo", "chr", "blk", "sock", "reg"))
    rdev = g.choice(((1, 3), (8, 1), (240, 7), (4095, 1048575))) if kind in ("chr", "blk") else (0, 0)
    return dict(op="mknod", path=g.file(), kind=kind, mode=g.mode(), rdev=rdev)


def _xattr(g):
    op = g.choice(("setxattr", "setxattr", "setxattr", "getxattr", "listxattr", "removexattr"))
    s = dict(op=op, path=g.any(), follow=g.r.random() < 0.5)
    if op != "listxattr":
        s["name"] = g.choice(XATTR_NAMES)
    if op == "setxattr":
        s["n"], s["data"] = g.choice((0, 1, 16, 255)), g.r.randrange(1 << 30)
        s["flags"] = g.choice(XATTR_FLAGS)
    return s


def _acl(g):
    op = g.choice(("setacl", "setacl", "setacl", "getacl", "rmacl", "chmod", "create", "mkdir"))
    kind = g.choice(("access", "access", "default"))
    if op == "setacl":
        perms = [g.r.randrange(8) for _ in range(6)]
        named = g.choice(((), (("user", USER),), (("group", OTHER_GROUP),), (("user", 4321), ("group", 0))))
        return dict(op=op, path=g.any(), kind=kind, perms=perms, named=named)
    if op in ("getacl", "rmacl"):
        return dict(op=op, path=g.any(), kind=kind)
    if op == "chmod":  # changes an ACL's mask
        return dict(op=op, path=g.any(), mode=g.mode())
    if op == "mkdir":  # inherits a default ACL
        return dict(op=op, path=g.dir() if g.r.random() < 0.8 else g.file(), mode=g.mode(dirs=True))
    return dict(op="create", path=g.file(), flags="w", mode=g.mode(), n=1, data=1)


def _names(g):
    if g.r.random() < 0.15:  # a path of 4,095 bytes below the volume's root, made and read back
        return dict(op="deep", top=g.choice((b"deep1", b"deep2")), total=g.choice((4000, 4095 - 7, 4096)))
    return _basic(g)


_BY_FAMILY = {
    "basic": _basic, "open": _open, "links": _links, "owners": _owners, "times": _times, "special": _special,
    "xattr": _xattr, "acl": _acl, "oddnames": _basic, "names": _names,
}
_WEIGHTS = {"basic": 6, "open": 4, "links": 3, "owners": 3, "times": 2, "special": 2, "xattr": 3, "acl": 2, "oddnames": 2,
            "names": 2}


def _step_of(g, family):
    return _BY_FAMILY[family](g)


def generate(seed, families, count):
    """The step list of (seed, families): the same list every time, whatever the machine."""
    rnd = random.Random(seed)
    g = Gen(rnd, families)
    # 'nlink' and 'setid' only add checks and modes: alone, they go with the basic operations.
    fams = [f for f in FAMILIES if f in families and f in _BY_FAMILY] or ["basic"]
    weights = [_WEIGHTS[f] for f in fams]
    steps = []
    for i in range(count):
        s = _step_of(g, rnd.choices(fams, weights)[0])
        s["i"] = i
        steps.append(s)
    return steps


def paths_of(step):
    """The paths a step names (relative to the run's root), the ones whose state is compared after it."""
    out = [step[k] for k in ("path", "src", "dst") if k in step]
    if step["op"] == "deep":
        out.append(step["top"])
    return out


def describe(step):
    """One line: the step's index, its operation and arguments, who runs it."""
    args = " ".join("%s=%s" % (k, _show(k, v)) for k, v in step.items() if k not in ("i", "op", "user"))
    who = " as uid %d" % step["user"] if step.get("user") is not None else ""
    return "#%d %s %s%s" % (step["i"], step["op"], args, who)


def _show(k, v):
    if k == "mode":
        return oct(v)
    if k == "data":
        return "<%d>" % v
    if isinstance(v, bytes) and len(v) > 40 and len(set(v)) == 1:
        return "%r*%d" % (v[:1], len(v))
    return repr(v)


MODE_TYPES = {"fifo": stat.S_IFIFO, "chr": stat.S_IFCHR, "blk": stat.S_IFBLK, "sock": stat.S_IFSOCK,
              "reg": stat.S_IFREG}
