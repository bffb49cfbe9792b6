package dev.mortar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.cli.AdminClient.Answer;
import org.junit.jupiter.api.Test;

class AdminClientTest {

  @Test
  void remoteHostTakesAnOptionalPortAndIpv6() {
    assertEquals("http://n2:24007/api/v1", AdminClient.baseUri("n2").toString());
    assertEquals("http://n2:25000/api/v1", AdminClient.baseUri("n2:25000").toString());
    assertEquals("http://10.0.0.1:24007/api/v1", AdminClient.baseUri("10.0.0.1").toString());
    assertEquals("http://[::1]:24007/api/v1", AdminClient.baseUri("::1").toString());
    assertEquals("http://[::1]:9000/api/v1", AdminClient.baseUri("[::1]:9000").toString());
    assertEquals("http://[fe80::1]:24007/api/v1", AdminClient.baseUri("[fe80::1]").toString());
  }

  @Test
  void badRemoteHostsAreRefusedWithAReason() {
    assertEquals("--remote-host: '' is not a port number (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> AdminClient.baseUri("n2:")).getMessage());
    assertEquals("--remote-host: '70000' is not a port number (1-65535)",
        assertThrows(IllegalArgumentException.class, () -> AdminClient.baseUri("n2:70000")).getMessage());
    assertEquals("--remote-host: no host given; use HOST or HOST:PORT",
        assertThrows(IllegalArgumentException.class, () -> AdminClient.baseUri(":24007")).getMessage());
  }

  @Test
  void pathSegmentsAreEncoded() {
    assertEquals("my-volume", AdminClient.segment("my-volume"));
    assertEquals("a%20b%2Fc", AdminClient.segment("a b/c"));
  }

  @Test
  void answersWithoutAnApiErrorBodyGetOne() {
    Answer empty = Answer.of(503, "");
    assertFalse(empty.ok());
    assertEquals("UNAVAILABLE", empty.body().getString("error"));
    assertEquals("the node answered HTTP 503 without an error message", empty.message());
    Answer html = Answer.of(200, "<html>");
    assertFalse(html.ok());
    assertEquals("unexpected answer (HTTP 200): <html>", html.message());
    assertTrue(Answer.of(204, "").ok());
  }
}
