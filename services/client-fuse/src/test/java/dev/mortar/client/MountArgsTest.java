package dev.mortar.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountArgsTest {
  @Test
  void theSeedsMountLineWorks() {
    // mount -t glusterfs node1:/my-volume /tmp/gluster-data/ -o auto,rw,allow_other,default_permissions,max_read=131072
    MountSpec spec = MountSpec.parse("node1:/my-volume");
    assertEquals(new MountSpec("node1", 24007, "my-volume"), spec);
    MountOptions o = MountOptions.parse("auto,rw,allow_other,default_permissions,max_read=131072");
    assertEquals(List.of("-o", "big_writes,auto_unmount,allow_other,default_permissions,max_read=131072"),
        o.fuseArgs());
  }

  @Test
  void portAndReadOnly() {
    assertEquals(new MountSpec("10.0.0.1", 25007, "v"), MountSpec.parse("10.0.0.1:25007:/v"));
    assertTrue(MountOptions.parse("ro").readOnly());
    MountOptions m = MountOptions.parse("rw,metrics_port=24100");
    assertEquals(24100, m.metricsPort());
    assertEquals(List.of("-o", "big_writes,auto_unmount"), m.fuseArgs(), "Mortar's own option is not given to FUSE");
    assertEquals(List.of("-o", "big_writes,auto_unmount"), MountOptions.parse(null).fuseArgs());
  }

  @Test
  void mistakesAreExplained() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MountSpec.parse("node1/my-volume"))
        .getMessage().contains("HOST:/VOLUME"));
    assertThrows(IllegalArgumentException.class, () -> MountSpec.parse("node1:/"));
    assertThrows(IllegalArgumentException.class, () -> MountSpec.parse("node1:/vol/sub"));
    assertThrows(IllegalArgumentException.class, () -> MountSpec.parse("node1:http:/vol"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MountOptions.parse("turbo"))
        .getMessage().contains("unknown mount option 'turbo'"));
    assertThrows(IllegalArgumentException.class, () -> MountOptions.parse("max_read=lots"));
  }
}
