"""Delta debugging (Zeller's ddmin) over a failing step list: the shortest sublist found within the time allowed
whose replay, on fresh directories, still fails with the same kind of difference."""

import time


def ddmin(steps, fails, seconds):
    """fails(sublist) -> the Failure if it shows the same difference, else None. Returns (sublist, its failure)."""
    deadline = time.monotonic() + seconds
    best = fails(steps)
    if best is None:
        return steps, None  # not reproducible alone (it needs timing or an earlier run's leftovers)
    n = 2
    while len(steps) >= 2 and time.monotonic() < deadline:
        size = -(-len(steps) // n)
        chunks = [steps[i:i + size] for i in range(0, len(steps), size)]
        candidates = chunks + ([] if len(chunks) == 2 else
                               [[s for c in chunks[:k] + chunks[k + 1:] for s in c] for k in range(len(chunks))])
        for k, cand in enumerate(candidates):
            if time.monotonic() >= deadline:
                break
            f = fails(cand)
            if f is not None:
                steps, best = cand, f
                n = 2 if k < len(chunks) else max(n - 1, 2)  # a chunk alone, or all but one chunk
                break
        else:
            if n >= len(steps):
                break
            n = min(2 * n, len(steps))
    return steps, best
