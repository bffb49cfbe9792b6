package dev.mortar.common.brick;

import java.util.ArrayList;
import java.util.List;

/**
 * One fcntl(2) record lock: bytes {@code start} to {@code end} (inclusive; {@link Long#MAX_VALUE}: to the end of the
 * file, however far it grows), a write (exclusive) or a read (shared) lock.
 */
public record LockRange(long start, long end, boolean write) {
  public LockRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("a lock range from " + start + " to " + end);
    }
  }

  public boolean overlaps(LockRange o) {
    return start <= o.end && o.start <= end;
  }

  /** Two owners' locks exclude each other where they overlap and one of them is a write lock. */
  public boolean conflictsWith(LockRange o) {
    return overlaps(o) && (write || o.write);
  }

  /**
   * An owner's locks after it asks for {@code change} ({@code lock} false: unlock it): as POSIX says, the new lock
   * replaces whatever the owner held in its range, and an unlock may split a lock in two.
   */
  public static List<LockRange> apply(List<LockRange> held, LockRange change, boolean lock) {
    List<LockRange> out = new ArrayList<>();
    for (LockRange r : held) {
      if (!r.overlaps(change)) {
        out.add(r);
        continue;
      }
      if (r.start < change.start) {
        out.add(new LockRange(r.start, change.start - 1, r.write));
      }
      if (r.end > change.end) {
        out.add(new LockRange(change.end + 1, r.end, r.write));
      }
    }
    if (lock) {
      out.add(change);
    }
    return out;
  }
}
