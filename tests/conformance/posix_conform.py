#!/usr/bin/env python3
"""POSIX conformance of a mount against a local directory: a seeded random step list runs on both, every outcome,
errno, stat field, content, xattr and ACL is compared, and a difference is shrunk to the shortest step list that
shows it. Run as root. See README.md beside this file."""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conform import steps as st  # noqa: E402
from conform.check import Checker, remove  # noqa: E402
from conform.shrink import ddmin  # noqa: E402

DEFAULT_FAMILIES = "basic,links,owners,times,special,xattr,acl,oddnames"


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--local", required=True, help="a directory on a local file system (ext4, with user_xattr, acl)")
    p.add_argument("--mount", required=True, help="a directory in the mount under test (mounted with allow_other)")
    p.add_argument("--mount2", help="the same directory through a second mount: its whole tree is compared at the end")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--families", default=DEFAULT_FAMILIES,
                   help="comma-separated, of: " + ",".join(st.FAMILIES) + " (default %(default)s)")
    p.add_argument("--only", help="run only these step indices (as a failure prints them), e.g. 3,17,42")
    p.add_argument("--full-every", type=int, default=25, help="compare the whole trees every N steps")
    p.add_argument("--shrink-seconds", type=float, default=90, help="time allowed for shrinking a failure")
    p.add_argument("--keep", action="store_true", help="keep the run's directories when it passes")
    a = p.parse_args(argv)
    a.families = [f for f in a.families.split(",") if f]
    unknown = set(a.families) - set(st.FAMILIES)
    if unknown:
        p.error("unknown families %s; known: %s" % (",".join(sorted(unknown)), ",".join(st.FAMILIES)))
    return a


def main(argv):
    a = parse(argv)
    if os.geteuid() != 0:
        print("posix_conform.py runs as root (it changes owners and runs steps as another user)", file=sys.stderr)
        return 2
    os.umask(0)  # the kernel applies the umask before a FUSE file system sees the mode: test what it sees
    all_steps = st.generate(a.seed, a.families, a.steps)
    only = None if a.only is None else {int(i) for i in a.only.split(",")}
    run_steps = [s for s in all_steps if only is None or s["i"] in only]
    checker = Checker(a.local, a.mount, a.families, a.mount2)
    name = "s%d" % a.seed
    title = "seed %d, %d steps, families %s" % (a.seed, len(run_steps), ",".join(a.families))
    t0 = time.monotonic()
    failure = checker.run(run_steps, name, a.full_every)
    if failure is None:
        print("PASS: %s (%.1f s)" % (title, time.monotonic() - t0))
        if not a.keep:
            for root in (a.local, a.mount):
                remove(os.path.join(root, name))
        return 0
    seen = "after step %s" % st.describe(failure.step) if failure.step else "at a whole-tree comparison"
    print("FAIL: %s: %s: %s" % (title, seen, failure))
    sys.stdout.flush()
    upto = failure.step["i"] if failure.step else None
    prefix = [s for s in run_steps if upto is None or s["i"] <= upto]
    tries = [0]

    def fails(cand):
        tries[0] += 1
        scratch = "%s-shrink%d" % (name, tries[0])
        f = checker.run(cand, scratch, 0)
        for root in (a.local, a.mount):
            remove(os.path.join(root, scratch))
        return f if f is not None and f.signature == failure.signature else None

    shortest, last = ddmin(prefix, fails, a.shrink_seconds)
    if last is None:
        print("  the difference did not show again when the %d steps up to it were replayed on fresh directories"
              % len(prefix))
        return 1
    print("  shortest step list that shows it (%d of %d steps, %d replays), replay with:" % (
        len(shortest), len(prefix), tries[0]))
    print("  posix_conform.py --local L --mount M --seed %d --steps %d --families %s --only %s" % (
        a.seed, a.steps, ",".join(a.families), ",".join(str(s["i"]) for s in shortest)))
    for s in shortest:
        print("    " + st.describe(s))
    print("    then: " + str(last))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
