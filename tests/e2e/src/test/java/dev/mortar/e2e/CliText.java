package dev.mortar.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the gluster-format text the CLI prints, the way a person (or a script) reads it. */
final class CliText {
  private CliText() {}

  /** One peer of {@code peer status}. */
  record Peer(String hostname, String uuid, String state) {}

  private static final Pattern PEER = Pattern.compile(
      "^Hostname: (\\S+)\\nUuid: (\\S+)\\nState: (.+)$", Pattern.MULTILINE);
  private static final Pattern PEER_COUNT = Pattern.compile("^Number of Peers: (\\d+)$", Pattern.MULTILINE);

  /** {@code peer status}, by hostname; fails if the count line does not match the peers listed. */
  static Map<String, Peer> peerStatus(String text) {
    Matcher count = PEER_COUNT.matcher(text);
    if (!count.find()) {
      throw new AssertionError("not 'peer status' output (no 'Number of Peers:' line):\n" + text);
    }
    Map<String, Peer> peers = new LinkedHashMap<>();
    Matcher m = PEER.matcher(text);
    while (m.find()) {
      peers.put(m.group(1), new Peer(m.group(1), m.group(2), m.group(3)));
    }
    if (peers.size() != Integer.parseInt(count.group(1))) {
      throw new AssertionError("'Number of Peers: " + count.group(1) + "' but " + peers.size() + " listed:\n" + text);
    }
    return peers;
  }

  /** True when {@code peer status} lists exactly {@code hosts}, each in {@code state} (Connected/Disconnected). */
  static boolean peersAre(String peerStatusText, Map<String, String> hostToState) {
    Map<String, Peer> peers = peerStatus(peerStatusText);
    if (!peers.keySet().equals(hostToState.keySet())) {
      return false;
    }
    return hostToState.entrySet().stream()
        .allMatch(e -> peers.get(e.getKey()).state().equals("Peer in Cluster (" + e.getValue() + ")"));
  }

  /** One line of {@code pool list}. */
  record PoolMember(String uuid, String hostname, String state) {}

  /** {@code pool list}: tab-separated UUID, Hostname (padded), State (with gluster's trailing space). */
  static List<PoolMember> poolList(String text) {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("UUID\t")) {
      throw new AssertionError("not 'pool list' output:\n" + text);
    }
    List<PoolMember> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      if (f.length != 3) {
        throw new AssertionError("'pool list' line is not UUID<TAB>Hostname<TAB>State: '" + line + "'");
      }
      out.add(new PoolMember(f[0], f[1].strip(), f[2].strip()));
    }
    return out;
  }

  /** One brick line of {@code volume status}: {@code Brick HOST:/PATH  port  rdma  Y|N  pid}. */
  record BrickLine(String brick, String online) {}

  /** The columns after a brick name: TCP port, RDMA port, Online, Pid. */
  private static final Pattern COLUMNS = Pattern.compile("^(.*?)\\s+(\\S+)\\s+(\\S+)\\s+([YN])\\s+(\\S+)\\s*$");

  /**
   * The brick lines of {@code volume status}. Like gluster, a brick name longer than its column is wrapped over
   * several lines, the columns following its last piece; the pieces are joined again here.
   */
  static List<BrickLine> volumeStatusBricks(String text) {
    List<BrickLine> out = new ArrayList<>();
    StringBuilder name = null;
    for (String line : text.lines().toList()) {
      if (line.startsWith("Brick ")) {
        name = new StringBuilder();
        line = line.substring("Brick ".length());
      } else if (name == null) {
        continue;
      }
      Matcher m = COLUMNS.matcher(line);
      if (m.matches()) {
        name.append(m.group(1).strip());
        out.add(new BrickLine(name.toString(), m.group(4)));
        name = null;
      } else {
        name.append(line.strip());
      }
    }
    return out;
  }
}
