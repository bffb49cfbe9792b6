#!/usr/bin/env python3
"""Compares two directory trees as a program sees them: every path, type, mode, owner, size, link count, device
number, content, symlink target, the hard-link structure and each entry's mtime (to the nanosecond). Prints every
difference and exits 1 if there is one. Run as root (reads every file whatever its mode)."""

import argparse
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conform import snapshot  # noqa: E402
from conform.apply import Side  # noqa: E402


def differences(a, b, families, ignore):
    sa, sb = Side("a", os.fsencode(a)), Side("b", os.fsencode(b))
    try:
        (ta, la), (tb, lb) = snapshot.tree(sa, families), snapshot.tree(sb, families)
    finally:
        sa.close()
        sb.close()
    out = []
    for p in sorted(set(ta) | set(tb)):
        if p not in ta or p not in tb:
            out.append("%r: only in %s" % (p, a if p in ta else b))
            continue
        ea, eb = ta[p], tb[p]
        if "mtime" not in ignore and not ("dirmtime" in ignore and ea.get("type") == stat.S_IFDIR):
            ea["mtime"], eb["mtime"] = ea["_times"][1], eb["_times"][1]
        for k in sorted(set(ea) | set(eb) - {"_times"} - set(ignore)):
            if k != "_times" and ea.get(k) != eb.get(k):
                out.append("%r: %s %r in %s, %r in %s" % (p, k, ea.get(k), a, eb.get(k), b))
    if la != lb and "links" not in ignore:
        out.append("hard links (paths of one file): %r in %s, %r in %s" % (la, a, lb, b))
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--xattrs", action="store_true", help="compare user.* and trusted.* extended attributes too")
    p.add_argument("--acls", action="store_true", help="compare POSIX ACLs too")
    p.add_argument("--ignore", default="", help="fields left out, comma-separated (e.g. nlink,mtime; dirmtime: directories' mtimes only)")
    a = p.parse_args(argv)
    families = {"xattr"} if a.xattrs else set()
    if a.acls:
        families.add("acl")
    diffs = differences(a.a, a.b, families, [f for f in a.ignore.split(",") if f])
    for d in diffs[:50]:
        print(d)
    if len(diffs) > 50:
        print("... and %d more" % (len(diffs) - 50))
    if not diffs:
        print("same: %s and %s" % (a.a, a.b))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
