"""Runs a step list on the local directory and on the mount, each in a fresh run directory, and returns the first
difference: a step's outcome, the state of a path after a step, or the whole tree (every few steps and at the end).

After each step, the paths it names, their parent directories and every path whose local state changed (other
names of a file whose link count changed, ...) are compared on both sides.

Times ('times' family): before each step its paths and their parents get atime = mtime = FENCE on both sides, and
their ctime is noted; after it, both sides must agree on whether mtime and ctime changed. An atime or mtime that the
local side holds at an explicit value (a utime step or the fence) must be exactly that value on the mount."""

import os
import shutil
import time

from . import snapshot, steps as st
from .apply import Side, run_step

FENCE = 1_111_111_111 * 1_000_000_000 + 111_111_111
KNOWN_TIMES = {s * 1_000_000_000 + n for s in st.TIME_SECONDS for n in st.TIME_NANOS} | {FENCE}
# A step after the fence must land in a later tick of the clock that stamps ctime.
FENCE_PAUSE = 0.012


class Failure:
    def __init__(self, kind, step, path, field, local, mount):
        self.kind, self.step, self.path, self.field, self.local, self.mount = kind, step, path, field, local, mount

    @property
    def signature(self):
        """What the shrinker keeps: the same kind of difference, in the same field, after the same operation."""
        return self.kind, self.step["op"] if self.kind == "outcome" and self.step else None, self.field

    def __str__(self):
        where = "" if self.path is None else " of %r" % self.path
        what = {"outcome": "outcome", "state": "state", "fence": "utimensat fence", "tree": "whole tree",
                "mount2": "second mount's tree"}[self.kind]
        return "%s%s differs in %s: local %r, mount %r" % (what, where, self.field, self.local, self.mount)


class Checker:
    def __init__(self, local, mount, families, mount2=None):
        self.local, self.mount, self.mount2 = local, mount, mount2
        self.families = set(families)
        self.times = "times" in self.families
        self.nlink = "nlink" in self.families

    def run(self, steps, name, full_every):
        """The first difference of this step list (None if there is none), in fresh directories called name."""
        sides = [Side(label, fresh(os.path.join(root, name))) for label, root in (("local", self.local),
                                                                                   ("mount", self.mount))]
        try:
            for k, s in enumerate(steps):
                f = self.step(sides, s)
                if f is None and full_every and (k + 1) % full_every == 0:
                    f = self.whole_tree(sides, "tree")
                if f is not None:
                    return f
            f = self.whole_tree(sides, "tree")
            if f is None and self.mount2 is not None:
                f = self.second_mount(sides[0], os.path.join(self.mount2, name))
            return f
        finally:
            for side in sides:
                side.close()

    def step(self, sides, s):
        local, mount = sides
        paths = _with_parents(st.paths_of(s))
        fenced = self.fence(sides, paths, s) if self.times else None
        if isinstance(fenced, Failure):
            return fenced
        before, _ = snapshot.tree(local, self.families, contents=False)
        outcomes = [self.seen(run_step(side, s)) for side in sides]
        if outcomes[0] != outcomes[1] and not _both_refused_as_user(s, outcomes):
            return Failure("outcome", s, None, "outcome", outcomes[0], outcomes[1])
        after, _ = snapshot.tree(local, self.families, contents=False)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        for p in sorted(set(paths) | changed):
            f = self.compare(s, p, snapshot.entry(local, p, self.families), snapshot.entry(mount, p, self.families),
                             fenced)
            if f is not None:
                return f
        return None

    def seen(self, value):
        """What is compared of a value: st_nlink only in the 'nlink' family."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != "nlink" or self.nlink}
        if isinstance(value, tuple):
            return tuple(self.seen(v) for v in value)
        return value

    def fence(self, sides, paths, s):
        """Both sides' ctimes of the fenced paths after setting their atime and mtime to FENCE."""
        ctimes = ({}, {})
        for p in paths:
            outcomes = []
            for k, side in enumerate(sides):
                try:
                    os.utime(p, ns=(FENCE, FENCE), dir_fd=side.fd, follow_symlinks=False)
                    ctimes[k][p] = os.lstat(p, dir_fd=side.fd).st_ctime_ns
                    outcomes.append("ok")
                except OSError as e:
                    outcomes.append(snapshot._err(e))
            if outcomes[0] != outcomes[1]:
                return Failure("fence", s, p, "utimensat(FENCE, AT_SYMLINK_NOFOLLOW)", outcomes[0], outcomes[1])
        time.sleep(FENCE_PAUSE)
        return ctimes

    def compare(self, s, p, el, em, fenced=None, kind="state"):
        el, em = self.seen(el), self.seen(em)
        for key in sorted(set(el) | set(em)):
            if key != "_times" and el.get(key) != em.get(key):
                return Failure(kind, s, p, key, el.get(key, "(none)"), em.get(key, "(none)"))
        if not self.times or "_times" not in el:
            return None
        (la, lm, lc), (ma, mm, mc) = el["_times"], em["_times"]
        for field, lv, mv in (("atime", la, ma), ("mtime", lm, mm)):
            if lv in KNOWN_TIMES and lv != mv:
                return Failure(kind, s, p, field + " (set explicitly)", lv, mv)
        if fenced is not None and p in fenced[0] and p in fenced[1]:
            if (lm != FENCE) != (mm != FENCE):
                return Failure(kind, s, p, "whether mtime changed", lm != FENCE, mm != FENCE)
            if (lc != fenced[0][p]) != (mc != fenced[1][p]) and not _changes_nothing(s):
                return Failure(kind, s, p, "whether ctime changed", lc != fenced[0][p], mc != fenced[1][p])
        return None

    def whole_tree(self, sides, kind, other=None):
        (lt, llinks), (mt, mlinks) = snapshot.tree(sides[0], self.families), snapshot.tree(other or sides[1],
                                                                                             self.families)
        for p in sorted(set(lt) | set(mt)):
            if p not in lt or p not in mt:
                return Failure(kind, None, p, "existence", p in lt, p in mt)
            f = self.compare(None, p, lt[p], mt[p], kind=kind)
            if f is not None:
                return f
        if llinks != mlinks:
            return Failure(kind, None, None, "hard links (paths of one file)", llinks, mlinks)
        return None

    def second_mount(self, local, root2, settle=5.0):
        """The second mount shows the same tree (within its attribute cache time, 1 s; allow a few)."""
        deadline = time.monotonic() + settle
        while True:
            other = Side("mount2", root2)
            try:
                f = self.whole_tree([local, None], "mount2", other)
            finally:
                other.close()
            if f is None or time.monotonic() > deadline:
                return f
            time.sleep(0.5)


def _with_parents(paths):
    out = []
    for p in paths:
        while True:
            if p not in out:
                out.append(p)
            if b"/" not in p:
                break
            p = p.rsplit(b"/", 1)[0]
    if b"." not in out:
        out.append(b".")
    return out


def fresh(path):
    """An empty directory that every user may write in."""
    remove(path)
    os.mkdir(path)
    os.chmod(path, 0o777)
    return path


def remove(path):
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)


def _changes_nothing(s):
    """chown(-1, -1) moves ctime on a local disk, but through FUSE the kernel sends no attribute to set, so libfuse 2's
    path API never calls the filesystem: a known limit of every libfuse 2 filesystem, not compared."""
    return s.get("op") == "chown" and s.get("uid") == -1 and s.get("gid") == -1


def _both_refused_as_user(s, outcomes):
    """Another user's step that both sides refuse, one with EACCES or EPERM: the mount checks permissions itself (it
    enforces POSIX ACLs, which the kernel cannot for libfuse 2), so where the kernel decides first (a name it has
    cached, a file type, a capability) it may give that error instead of a local disk's permission error."""
    denied = ("EACCES", "EPERM")
    return ("user" in s and all(o[0] == "err" for o in outcomes)
            and (outcomes[0][1] in denied or outcomes[1][1] in denied))
