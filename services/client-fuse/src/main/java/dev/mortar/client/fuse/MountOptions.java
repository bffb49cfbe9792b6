package dev.mortar.client.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code -o} options of a mount, as {@code mount(8)} passes them. Generic options ({@code auto}, {@code rw},
 * {@code _netdev} ...) are accepted and ignored where they only matter to mount(8) or fstab; options that FUSE
 * understands are passed to it; {@code readahead_kb} sets the kernel's read-ahead for the mount (512 by default);
 * three are always added: {@code big_writes} (128 KiB writes instead of 4 KiB), {@code auto_unmount} (a killed
 * client leaves no dead mount), and {@code use_ino}: stat(2) shows the mount's inode numbers, which come from the
 * file IDs (the same on every node; hard links share one). {@code default_permissions} is accepted (GlusterFS's
 * mount lines have it) but never given to FUSE: with it the kernel would check the mode bits alone and refuse
 * whom a POSIX ACL lets in; the mount checks every caller itself ({@link Permissions}), as bricks act for everyone.
 */
public record MountOptions(boolean readOnly, int metricsPort, int readAheadKb, Map<String, String> fuse) {
  /** The kernel's read-ahead for the mount ({@link KernelReadAhead}), unless {@code readahead_kb} says otherwise. */
  static final int DEFAULT_READAHEAD_KB = 512;

  /** Only meaningful to mount(8) or /etc/fstab. */
  private static final Set<String> MOUNT8_ONLY = Set.of("auto", "noauto", "rw", "_netdev", "nofail", "defaults",
      "user", "nouser", "exec", "noexec", "suid", "nosuid", "dev", "nodev", "async", "sync", "atime", "noatime",
      "relatime", "x-systemd.automount");
  /** Passed through to FUSE. */
  private static final Set<String> FUSE_OPTIONS = Set.of("allow_other", "allow_root", "max_read", "uid", "gid",
      "umask", "fsname", "subtype");

  public static MountOptions parse(String csv) {
    boolean ro = false;
    int metricsPort = 0;
    int readAheadKb = DEFAULT_READAHEAD_KB;
    Map<String, String> fuse = new LinkedHashMap<>();
    if (csv != null && !csv.isBlank()) {
      for (String opt : csv.split(",")) {
        String o = opt.trim();
        if (o.isEmpty()) {
          continue;
        }
        int eq = o.indexOf('=');
        String key = eq < 0 ? o : o.substring(0, eq);
        String value = eq < 0 ? null : o.substring(eq + 1);
        if (key.equals("ro")) {
          ro = true;
        } else if (key.equals("metrics_port")) {
          requireNumber(key, value);
          metricsPort = Integer.parseInt(value);
        } else if (key.equals("readahead_kb")) {
          requireNumber(key, value);
          readAheadKb = Integer.parseInt(value);
        } else if (MOUNT8_ONLY.contains(key) || key.equals("default_permissions")) {
          continue;
        } else if (FUSE_OPTIONS.contains(key)) {
          if (key.equals("max_read") || key.equals("uid") || key.equals("gid")) {
            requireNumber(key, value);
          }
          fuse.put(key, value);
        } else {
          throw new IllegalArgumentException("unknown mount option '" + o + "'; known: ro, metrics_port, readahead_kb, "
              + String.join(", ", FUSE_OPTIONS.stream().sorted().toList()));
        }
      }
    }
    return new MountOptions(ro, metricsPort, readAheadKb, fuse);
  }

  private static void requireNumber(String key, String value) {
    try {
      if (value == null || Long.parseLong(value) < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mount option " + key + " needs a number, as in " + key + "=131072");
    }
  }

  /** The {@code -o} arguments for libfuse. */
  public List<String> fuseArgs() {
    List<String> args = new ArrayList<>();
    List<String> opts = new ArrayList<>(List.of("big_writes", "auto_unmount", "use_ino"));
    if (readOnly) {
      opts.add("ro");
    }
    fuse.forEach((k, v) -> {
      if (!opts.contains(k)) {
        opts.add(v == null ? k : k + "=" + v);
      }
    });
    args.add("-o");
    args.add(String.join(",", opts));
    return args;
  }
}
