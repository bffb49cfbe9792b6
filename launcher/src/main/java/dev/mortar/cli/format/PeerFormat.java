package dev.mortar.cli.format;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Text of {@code peer status} and {@code pool list}, laid out as GlusterFS 10 lays it out. */
public final class PeerFormat {
  /** gluster never narrows the Hostname column below this. */
  private static final int MIN_HOSTNAME_WIDTH = 8;

  private PeerFormat() {}

  /** {@code peer status} from {@code GET /peers}. */
  public static String peerStatus(JsonObject answer) {
    JsonArray peers = answer.getJsonArray("peers", new JsonArray());
    StringBuilder b = new StringBuilder("Number of Peers: ").append(peers.size()).append('\n');
    for (int i = 0; i < peers.size(); i++) {
      JsonObject p = peers.getJsonObject(i);
      b.append("\nHostname: ").append(p.getString("hostname"))
          .append("\nUuid: ").append(p.getString("uuid"))
          .append("\nState: ").append(p.getString("state", "Peer in Cluster"))
          .append(" (").append(connection(p)).append(")\n");
    }
    return b.toString();
  }

  /** {@code pool list} from {@code GET /pool}: tab separated, Hostname padded to the longest name. */
  public static String poolList(JsonObject answer) {
    JsonArray pool = answer.getJsonArray("pool", new JsonArray());
    int width = MIN_HOSTNAME_WIDTH;
    for (int i = 0; i < pool.size(); i++) {
      width = Math.max(width, pool.getJsonObject(i).getString("hostname").length());
    }
    StringBuilder b = new StringBuilder("UUID\t\t\t\t\t").append(Text.pad("Hostname", width)).append("\tState\n");
    for (int i = 0; i < pool.size(); i++) {
      JsonObject p = pool.getJsonObject(i);
      b.append(p.getString("uuid")).append('\t').append(Text.pad(p.getString("hostname"), width)).append('\t')
          .append(connection(p)).append(" \n");
    }
    return b.toString();
  }

  private static String connection(JsonObject peer) {
    return peer.getBoolean("connected", false) ? "Connected" : "Disconnected";
  }
}
