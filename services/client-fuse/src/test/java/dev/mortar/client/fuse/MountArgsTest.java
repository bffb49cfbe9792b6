package dev.mortar.client.fuse;

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
    assertEquals(List.of("-o", "big_writes,auto_unmount,use_ino,allow_other,max_read=131072"),
        o.fuseArgs());
  }

  @Test
  void theMountChecksPermissionsItselfSoTheKernelIsNotAskedToWithModeBitsAlone() {
    assertEquals(List.of("-o", "big_writes,auto_unmount,use_ino,allow_other"),
        MountOptions.parse("allow_other,default_permissions").fuseArgs());
  }

  @Test
  void portAndReadOnly() {
    assertEquals(new MountSpec("10.0.0.1", 25007, "v"), MountSpec.parse("10.0.0.1:25007:/v"));
    assertTrue(MountOptions.parse("ro").readOnly());
    MountOptions m = MountOptions.parse("rw,metrics_port=24100");
    assertEquals(24100, m.metricsPort());
    assertEquals(List.of("-o", "big_writes,auto_unmount,use_ino"), m.fuseArgs(), "Mortar's own option is not given to FUSE");
    assertEquals(List.of("-o", "big_writes,auto_unmount,use_ino"), MountOptions.parse(null).fuseArgs());
  }

  @Test
  void kernelReadAheadIsAMortarOptionAndFindsTheMountsDevice() {
    assertEquals(512, MountOptions.parse(null).readAheadKb());
    MountOptions m = MountOptions.parse("readahead_kb=1024");
    assertEquals(1024, m.readAheadKb());
    assertEquals(List.of("-o", "big_writes,auto_unmount,use_ino"), m.fuseArgs(), "not given to FUSE");
    assertThrows(IllegalArgumentException.class, () -> MountOptions.parse("readahead_kb=big"));
    List<String> mountinfo = List.of(
        "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
        "36 22 0:39 / /mnt/a\\040b rw,nosuid shared:2 - fuse /dev/fuse rw",
        "37 22 0:41 / /mnt/a\\040b/x rw - tmpfs tmpfs rw",
        "38 22 0:44 / /var/tmp/m\\040n rw,nosuid,nodev,relatime shared:3 - fuse.mortar 127.0.0.1:/q rw,user_id=0");
    String want = KernelReadAhead.escaped("/var/tmp/m n");
    assertEquals("/var/tmp/m\\040n", want);
    assertEquals(java.util.Optional.of("0:44"), KernelReadAhead.device(mountinfo, want));
    assertEquals(java.util.Optional.empty(), KernelReadAhead.device(mountinfo, "/mnt/a\\040b/x"), "not FUSE");
    assertEquals(java.util.Optional.empty(), KernelReadAhead.device(mountinfo, "/var/tmp"), "not mounted");
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
