package dev.mortar.client.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * How far the kernel reads a file of the mount ahead: 128 KiB by default, and libfuse 2 cannot ask for more. With
 * 512 KiB a cold sequential read of 1 GiB went from 1.0-2.4 GB/s (noisy) to 2.4-2.6 GB/s on the test machine
 * (2 MiB and more were slower again: more requests than FUSE keeps in flight). It is the mount's backing device's
 * {@code read_ahead_kb} in sysfs, set once the mount is there; where that is not writable (not root), the default
 * stays and the log says so.
 */
final class KernelReadAhead {
  private static final Logger LOG = Logger.getLogger(KernelReadAhead.class.getName());
  private static final long WAIT_MS = 10_000;

  private KernelReadAhead() {}

  /** Sets it in the background, as soon as {@code dir} shows as a FUSE mount. */
  static void setWhenMounted(Path dir, int kb) {
    Thread t = new Thread(() -> {
      long until = System.currentTimeMillis() + WAIT_MS;
      try {
        String want = escaped(dir.toRealPath().toString());
        while (System.currentTimeMillis() < until) {
          Optional<String> device = device(Files.readAllLines(Path.of("/proc/self/mountinfo")), want);
          if (device.isPresent()) {
            Files.writeString(Path.of("/sys/class/bdi", device.get(), "read_ahead_kb"), Integer.toString(kb));
            LOG.info("kernel read-ahead of " + dir + " set to " + kb + " KiB");
            return;
          }
          Thread.sleep(20);
        }
        LOG.warning(dir + " did not show as mounted within " + WAIT_MS + " ms: kernel read-ahead left at its default");
      } catch (IOException e) {
        LOG.info("kernel read-ahead of " + dir + " left at its default (128 KiB): " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "mortar-readahead");
    t.setDaemon(true);
    t.start();
  }

  /** The major:minor of the FUSE mount at {@code mountPoint} (as mountinfo escapes it), if mounted. */
  static Optional<String> device(List<String> mountinfo, String mountPoint) {
    for (String line : mountinfo) {
      String[] f = line.split(" ");
      int dash = line.indexOf(" - ");
      if (f.length > 4 && f[4].equals(mountPoint) && dash > 0 && line.substring(dash + 3).startsWith("fuse")) {
        return Optional.of(f[2]);
      }
    }
    return Optional.empty();
  }

  /** A path as /proc/self/mountinfo writes it: space, tab, newline and backslash in octal. */
  static String escaped(String path) {
    return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
  }
}
