package dev.mortar.client.fuse;

import java.util.Objects;

/**
 * What to mount: {@code HOST[:PORT]:/VOLUME}, as in {@code mount -t mortar node1:/my-volume /mnt}. The host is the
 * node the client asks for the volume layout; PORT is its admin port.
 */
public record MountSpec(String host, int adminPort, String volume) {
  public static final int DEFAULT_ADMIN_PORT = 24007;

  public MountSpec {
    Objects.requireNonNull(host);
    Objects.requireNonNull(volume);
  }

  public static MountSpec parse(String spec) {
    int sep = spec.indexOf(":/");
    if (sep <= 0 || sep + 2 >= spec.length()) {
      throw new IllegalArgumentException("'" + spec + "' is not HOST:/VOLUME (for example node1:/my-volume)");
    }
    String hostPart = spec.substring(0, sep);
    String volume = spec.substring(sep + 2);
    if (volume.contains("/")) {
      throw new IllegalArgumentException("'" + spec + "': mounting a subdirectory of a volume is not supported;"
          + " use HOST:/VOLUME");
    }
    int port = DEFAULT_ADMIN_PORT;
    int colon = hostPart.lastIndexOf(':');
    if (colon > 0) {
      try {
        port = Integer.parseInt(hostPart.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + spec + "': '" + hostPart.substring(colon + 1) + "' is not a port");
      }
      hostPart = hostPart.substring(0, colon);
    }
    return new MountSpec(hostPart, port, volume);
  }
}
