package dev.mortar.launcher;

import dev.mortar.client.fuse.MortarMount;
import dev.mortar.client.fuse.MountOptions;
import dev.mortar.client.fuse.MountSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mortar mount HOST:/VOLUME DIR [-o OPTIONS]}: serves a volume through FUSE until it is unmounted. */
@Command(name = "mount", mixinStandardHelpOptions = true,
    description = {"Mount a volume with FUSE; runs until 'umount DIR' (or SIGTERM).",
        "'mount -t mortar HOST:/VOLUME DIR' does the same through the mount.mortar helper."})
public final class MountCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "HOST:/VOLUME", description = "a node of the pool and the volume's name")
  String spec;

  @Parameters(index = "1", paramLabel = "DIR", description = "the mount point (an existing directory)")
  Path dir;

  @Option(names = "-o", paramLabel = "OPTIONS",
      description = "comma-separated mount options: ro, allow_other, default_permissions, max_read=N, uid, gid ...;"
          + " mount(8)'s own (auto, rw, _netdev ...) are accepted")
  String options;

  @Override
  public Integer call() {
    try {
      MortarMount.run(MountSpec.parse(spec), dir, MountOptions.parse(options));
      return 0;
    } catch (Exception e) {
      System.err.println("mortar mount: " + e.getMessage());
      return 1;
    } catch (UnsatisfiedLinkError e) { // jnr-fuse loads libfuse when the filesystem is made
      System.err.println("mortar mount: the FUSE library cannot be loaded (" + e.getMessage().lines().findFirst()
          .orElse("") + "); install it: apt-get install fuse libfuse2");
      return 1;
    }
  }
}
