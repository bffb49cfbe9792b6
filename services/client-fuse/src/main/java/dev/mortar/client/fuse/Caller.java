package dev.mortar.client.fuse;

import dev.mortar.common.acl.PosixAcl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The process a FUSE request is made for: its user and group (FUSE's context), and, read only where a decision
 * depends on them, its supplementary groups (FUSE does not pass them: they are read from
 * {@code /proc/<thread>/status}, as ntfs-3g does). Root (uid 0) is taken to hold every capability.
 */
final class Caller implements PosixAcl.GroupMembership {
  private final int uid;
  private final int gid;
  private final long pid;
  private Set<Integer> groups;

  Caller(int uid, int gid, long pid) {
    this.uid = uid;
    this.gid = gid;
    this.pid = pid;
  }

  int uid() {
    return uid;
  }

  boolean root() {
    return uid == 0;
  }

  @Override
  public boolean contains(int group) {
    if (group == gid) {
      return true;
    }
    if (groups == null) {
      groups = supplementaryGroups(pid);
    }
    return groups.contains(group);
  }

  /** The "Groups:" line of the thread's status; none where it cannot be read (the process is gone). */
  static Set<Integer> supplementaryGroups(long pid) {
    Set<Integer> out = new HashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("Groups:")) {
          for (String g : line.substring(7).trim().split("\\s+")) {
            if (!g.isEmpty()) {
              out.add(Integer.parseInt(g));
            }
          }
        }
      }
    } catch (IOException | NumberFormatException gone) {
      return out;
    }
    return out;
  }
}
