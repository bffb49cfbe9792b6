package dev.mortar.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mortar.cli.Fixtures;
import dev.mortar.cli.GlusterReference;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class PeerFormatTest {

  @Test
  void peerStatusWithNoPeers() {
    assertEquals(GlusterReference.PEER_STATUS_NONE,
        PeerFormat.peerStatus(new JsonObject().put("peers", new JsonArray())));
  }

  @Test
  void peerStatusWithTwoPeers() {
    assertEquals(GlusterReference.PEER_STATUS_TWO, PeerFormat.peerStatus(Fixtures.peers(true)));
  }

  @Test
  void peerStatusShowsADisconnectedPeer() {
    assertEquals(GlusterReference.PEER_STATUS_N2_DOWN, PeerFormat.peerStatus(Fixtures.peers(false)));
  }

  @Test
  void poolListOfANodeAlone() {
    JsonObject alone = new JsonObject().put("pool", new JsonArray().add(new JsonObject()
        .put("uuid", Fixtures.N1).put("hostname", "localhost").put("connected", true)));
    assertEquals(GlusterReference.POOL_LIST_ALONE, PeerFormat.poolList(alone));
  }

  @Test
  void poolListPadsHostnamesToTheLongestWithTabsBetweenColumns() {
    assertEquals(GlusterReference.POOL_LIST_THREE, PeerFormat.poolList(Fixtures.pool(true)));
    assertEquals(GlusterReference.POOL_LIST_N2_DOWN, PeerFormat.poolList(Fixtures.pool(false)));
  }

  @Test
  void poolListHostnameColumnIsAtLeastEightWideAndGrowsWithLongNames() {
    JsonObject pool = new JsonObject().put("pool", new JsonArray()
        .add(new JsonObject().put("uuid", "u1").put("hostname", "a").put("connected", true))
        .add(new JsonObject().put("uuid", "u2").put("hostname", "storage-node-12").put("connected", false)));
    assertEquals("UUID\t\t\t\t\tHostname       \tState\n"
        + "u1\ta              \tConnected \n"
        + "u2\tstorage-node-12\tDisconnected \n", PeerFormat.poolList(pool));
    JsonObject shortNames = new JsonObject().put("pool", new JsonArray()
        .add(new JsonObject().put("uuid", "u1").put("hostname", "a").put("connected", true)));
    assertEquals("UUID\t\t\t\t\tHostname\tState\nu1\ta       \tConnected \n", PeerFormat.poolList(shortNames));
  }
}
