package dev.mortar.mgmt.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mortar.common.api.MortarException;
import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void hostAloneTakesTheDefaultPort() {
    assertEquals(new PoolOps.HostPort("node2", 24007), PoolOps.HostPort.parse("node2", 24007));
    assertEquals(new PoolOps.HostPort("node2", 25007), PoolOps.HostPort.parse(" node2:25007 ", 24007));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(MortarException.class, () -> PoolOps.HostPort.parse("node2:http", 24007));
    assertThrows(MortarException.class, () -> PoolOps.HostPort.parse("node2:70000", 24007));
    assertThrows(MortarException.class, () -> PoolOps.HostPort.parse("node2:/srv", 24007));
    assertThrows(MortarException.class, () -> PoolOps.HostPort.parse("", 24007));
  }
}
