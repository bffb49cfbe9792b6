package dev.mortar.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.api.ErrorCode;
import dev.mortar.common.api.MortarException;
import org.junit.jupiter.api.Test;

class AddressPatternsTest {
  private static final String KEY = VolumeOptions.AUTH_ALLOW;

  @Test
  void wildcardsMatchAddressesAsGlusterfsTakesThem() {
    assertTrue(AddressPatterns.allows("*", "203.0.113.7"));
    assertTrue(AddressPatterns.allows("192.168.1.*", "192.168.1.20"));
    assertFalse(AddressPatterns.allows("192.168.1.*", "192.168.10.20"), "a dot is a dot, not any character");
    assertTrue(AddressPatterns.allows("10.0.0.?", "10.0.0.5"));
    assertFalse(AddressPatterns.allows("10.0.0.?", "10.0.0.50"));
    assertTrue(AddressPatterns.allows("10.1.1.1,127.0.0.*", "127.0.0.3"), "any entry of the list");
    assertFalse(AddressPatterns.allows("10.1.1.1", "10.1.1.10"), "an address matches whole");
  }

  @Test
  void cidrBlocksMatchTheirAddressesOnly() {
    assertTrue(AddressPatterns.allows("10.0.0.0/8", "10.200.3.4"));
    assertFalse(AddressPatterns.allows("10.0.0.0/8", "11.0.0.1"));
    assertTrue(AddressPatterns.allows("192.168.4.0/22", "192.168.7.255"));
    assertFalse(AddressPatterns.allows("192.168.4.0/22", "192.168.8.0"));
    assertTrue(AddressPatterns.allows("0.0.0.0/0", "8.8.8.8"));
    assertTrue(AddressPatterns.allows("fd00::/8", "fd12:3456::1"));
    assertFalse(AddressPatterns.allows("fd00::/8", "10.0.0.1"), "an IPv4 client is not in an IPv6 block");
  }

  @Test
  void badEntriesAreRefusedWhenSetAndHostNamesAreNotResolved() {
    assertEquals("10.0.0.0/8,192.168.1.*", AddressPatterns.normalise(KEY, " 10.0.0.0/8 , 192.168.1.* "));
    for (String bad : new String[] {"node1.example.com", "10.0.0.0/33", "10.0.0.0/", "a,,b", "10.0.0.0/x", ""}) {
      MortarException e = assertThrows(MortarException.class, () -> AddressPatterns.normalise(KEY, bad), bad);
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
    assertTrue(assertThrows(MortarException.class,
        () -> VolumeOptions.require(KEY).normalise("server.lan")).getMessage().contains("host names are not resolved"));
  }
}
