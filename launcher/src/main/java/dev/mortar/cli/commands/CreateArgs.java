package dev.mortar.cli.commands;

import dev.mortar.cli.UsageError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The words of {@code volume create NAME [replica N [arbiter 1]] [transport tcp] HOST:/PATH ... [force]}, read as
 * gluster reads them: keywords first (in any order, each once), then the bricks, then an optional {@code force}.
 * Only the grammar is checked here; whether hosts are in the pool, bricks repeat or nest, and the brick count
 * fits the replica count is the node's to judge, as it holds the pool.
 *
 * @param replica   null when not given (the node's default)
 * @param arbiter   null when not given
 * @param transport null when not given
 */
public record CreateArgs(String name, Integer replica, Integer arbiter, String transport, List<String> bricks,
                         boolean force) {

  public static final String SYNOPSIS = "volume create <NEW-VOLNAME> [replica <COUNT> [arbiter <COUNT>]] "
      + "[transport <tcp|rdma|tcp,rdma>] <NEW-BRICK> ... [force]";
  private static final Set<String> TRANSPORTS = Set.of("tcp", "rdma", "tcp,rdma");
  /** gluster volume kinds Mortar does not make: named so the error says so instead of calling them bricks. */
  private static final Set<String> UNSUPPORTED = Set.of("stripe", "disperse", "disperse-data", "redundancy",
      "thin-arbiter");
  private static final Set<String> KEYWORDS = Set.of("replica", "arbiter", "transport");

  public static CreateArgs parse(String name, List<String> words) {
    Integer replica = null;
    Integer arbiter = null;
    String transport = null;
    int i = 0;
    for (; i < words.size() && !isBrickStart(words, i); i++) {
      String word = words.get(i);
      switch (word) {
        case "replica" -> {
          once(replica, word);
          replica = count(words, ++i, "replica");
        }
        case "arbiter" -> {
          if (replica == null) {
            throw new UsageError("arbiter comes after replica: replica <COUNT> arbiter 1");
          }
          once(arbiter, word);
          arbiter = count(words, ++i, "arbiter");
          if (arbiter != 1) {
            throw new UsageError("arbiter count must be 1: the last brick of each replica set is the arbiter");
          }
        }
        case "transport" -> {
          once(transport, word);
          transport = ++i < words.size() ? words.get(i) : "";
          if (!TRANSPORTS.contains(transport)) {
            throw new UsageError("transport needs a type: transport <tcp|rdma|tcp,rdma>");
          }
        }
        default -> throw new UsageError(UNSUPPORTED.contains(word)
            ? word + " volumes are not supported; Mortar makes replicated volumes: replica <COUNT> [arbiter 1]"
            : wrongBrick(word));
      }
    }
    List<String> bricks = new ArrayList<>(words.subList(i, words.size()));
    boolean force = !bricks.isEmpty() && bricks.get(bricks.size() - 1).equals("force");
    if (force) {
      bricks.remove(bricks.size() - 1);
    }
    if (bricks.isEmpty()) {
      throw new UsageError("no bricks given: name at least one <HOSTNAME>:<export-dir-abs-path>");
    }
    for (String brick : bricks) {
      if (KEYWORDS.contains(brick) || brick.equals("force")) {
        throw new UsageError("'" + brick + "' must come " + (brick.equals("force") ? "last" : "before the bricks"));
      }
      if (!isBrick(brick)) {
        throw new UsageError(wrongBrick(brick));
      }
    }
    return new CreateArgs(name, replica, arbiter, transport, List.copyOf(bricks), force);
  }

  /** The body of {@code POST /volumes}; keywords not given are left out so that the node applies its defaults. */
  public JsonObject toJson() {
    JsonObject body = new JsonObject().put("name", name);
    if (replica != null) {
      body.put("replica", replica);
    }
    if (arbiter != null) {
      body.put("arbiter", arbiter);
    }
    if (transport != null) {
      body.put("transport", transport);
    }
    return body.put("bricks", new JsonArray(new ArrayList<Object>(bricks))).put("force", force);
  }

  /** Bricks start at the first word that is not a keyword, or at a trailing force that follows no brick. */
  private static boolean isBrickStart(List<String> words, int i) {
    String word = words.get(i);
    return !KEYWORDS.contains(word) && (isBrick(word) || word.equals("force") && i == words.size() - 1);
  }

  /**
   * {@code HOST:/PATH}: a host, then an absolute path; or {@code HOST:PORT:/PATH} for nodes that share an address
   * and differ by admin port; or {@code HOST:s3://BUCKET/PREFIX} for a brick in that node's object store (the
   * server checks the rest).
   */
  static boolean isBrick(String word) {
    int s3 = word.indexOf(":s3://");
    int colon = s3 > 0 ? s3 : word.indexOf(":/");
    if (colon <= 0 || word.substring(0, colon).isBlank()) {
      return false;
    }
    String host = word.substring(0, colon);
    int port = host.indexOf(':');
    return port < 0 || (port > 0 && host.indexOf(':', port + 1) < 0 && host.substring(port + 1).matches("[0-9]{1,5}"));
  }

  private static int count(List<String> words, int i, String keyword) {
    String usage = keyword + " needs a count: " + keyword + " <COUNT>";
    if (i >= words.size()) {
      throw new UsageError(usage);
    }
    try {
      int n = Integer.parseInt(words.get(i));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the same message as a count below 1
    }
    throw new UsageError(keyword + " count '" + words.get(i) + "' is not a whole number above 0");
  }

  private static void once(Object earlier, String keyword) {
    if (earlier != null) {
      throw new UsageError(keyword + " is given twice");
    }
  }

  private static String wrongBrick(String word) {
    return "Wrong brick type: " + word + ", use <HOSTNAME>:<export-dir-abs-path>";
  }
}
