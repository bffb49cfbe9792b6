package dev.mortar.cli.format;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Text of the volume queries, laid out byte for byte as GlusterFS 10 lays it out (with "Mortar" where gluster
 * names itself), so that people and scripts used to gluster read it the same way.
 */
public final class VolumeFormat {
  /** Width of the process column in {@code volume status}; longer names are cut into lines of this width. */
  private static final int PROCESS_WIDTH = 43;

  private VolumeFormat() {}

  /** {@code volume info}: one block per volume, each opened by a line holding one space. */
  public static String info(Iterable<JsonObject> volumes) {
    StringBuilder b = new StringBuilder();
    for (JsonObject v : volumes) {
      b.append(" \n")
          .append("Volume Name: ").append(v.getString("name")).append('\n')
          .append("Type: ").append(v.getString("type")).append('\n')
          .append("Volume ID: ").append(v.getString("id")).append('\n')
          .append("Status: ").append(v.getString("status")).append('\n')
          .append("Snapshot Count: 0\n")
          .append("Number of Bricks: ").append(v.getString("brickCount")).append('\n')
          .append("Transport-type: ").append(v.getString("transport", "tcp")).append('\n')
          .append("Bricks:\n");
      JsonArray bricks = v.getJsonArray("bricks", new JsonArray());
      for (int i = 0; i < bricks.size(); i++) {
        JsonObject brick = bricks.getJsonObject(i);
        b.append("Brick").append(i + 1).append(": ").append(brickName(brick))
            .append(brick.getBoolean("arbiter", false) ? " (arbiter)" : "").append('\n');
      }
      JsonObject options = v.getJsonObject("options", new JsonObject());
      if (!options.isEmpty()) {
        b.append("Options Reconfigured:\n");
        for (Map.Entry<String, Object> o : options) {
          b.append(o.getKey()).append(": ").append(o.getValue()).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** {@code volume list}: names, one a line. */
  public static String list(Iterable<JsonObject> volumes) {
    StringBuilder b = new StringBuilder();
    volumes.forEach(v -> b.append(v.getString("name")).append('\n'));
    return b.toString();
  }

  /** {@code volume status NAME} of a started volume, from {@code GET /volumes/NAME/status}. */
  public static String status(JsonObject status) {
    String name = status.getString("name");
    StringBuilder b = new StringBuilder("Status of volume: ").append(name).append('\n')
        .append(Text.pad("Mortar process", PROCESS_WIDTH)).append(" TCP Port  RDMA Port  Online  Pid\n")
        .append(Text.RULE).append('\n');
    JsonArray bricks = status.getJsonArray("bricks", new JsonArray());
    for (int i = 0; i < bricks.size(); i++) {
      JsonObject brick = bricks.getJsonObject(i);
      processLine(b, "Brick " + brickName(brick), brick, true);
    }
    JsonArray healers = status.getJsonArray("healers", new JsonArray());
    for (int i = 0; i < healers.size(); i++) {
      JsonObject healer = healers.getJsonObject(i);
      processLine(b, "Self-heal Daemon on " + healer.getString("host"), healer, false);
    }
    b.append(" \n")
        .append("Task Status of Volume ").append(name).append('\n')
        .append(Text.RULE).append('\n');
    JsonArray tasks = status.getJsonArray("tasks", new JsonArray());
    if (tasks.isEmpty()) {
      b.append("There are no active volume tasks\n");
    }
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject task = tasks.getJsonObject(i);
      b.append(taskLine("Task", task.getString("type", "")))
          .append(taskLine("ID", task.getString("id", "")))
          .append(taskLine("Status", task.getString("status", "")));
    }
    return b.append(" \n").toString();
  }

  /**
   * One process line: the name, then TCP port, RDMA port (always 0: Mortar has no RDMA), online and pid, each
   * N/A where there is nothing to show. A healer listens on no port of its own.
   */
  private static void processLine(StringBuilder b, String process, JsonObject p, boolean listens) {
    String rest = process;
    while (rest.length() > PROCESS_WIDTH) {
      b.append(rest, 0, PROCESS_WIDTH).append('\n');
      rest = rest.substring(PROCESS_WIDTH);
    }
    boolean online = p.getBoolean("online", false);
    Integer port = p.getInteger("port");
    boolean portShown = listens && online && port != null && port > 0;
    Integer pid = p.getInteger("pid");
    b.append(Text.pad(rest, PROCESS_WIDTH)).append(' ')
        .append(Text.pad(portShown ? port.toString() : "N/A", 10))
        .append(Text.pad(portShown ? "0" : "N/A", 11))
        .append(Text.pad(online ? "Y" : "N", 8))
        .append(Text.pad(online && pid != null && pid > 0 ? pid.toString() : "N/A", 5))
        .append('\n');
  }

  private static String taskLine(String label, String value) {
    return Text.pad(label, 20) + " : " + Text.pad(value, 20) + "\n";
  }

  /**
   * {@code volume get}, from {@code GET .../options[/KEY]}: the Option column 40 wide plus a space, the Value
   * column 39 wide, both padded with trailing spaces as gluster pads them.
   */
  /** {@code volume heal VOL info} and {@code ... info summary}, as GlusterFS prints them. */
  /** The three views of {@code volume heal VOL info}: the entries, their counts, the split-brain entries. */
  public enum HealView { INFO, SUMMARY, SPLIT_BRAIN }

  public static String healInfo(JsonObject answer, HealView view) {
    StringBuilder sb = new StringBuilder();
    for (Object o : answer.getJsonArray("bricks")) {
      JsonObject b = (JsonObject) o;
      boolean up = b.getBoolean("connected", false);
      JsonArray entries = b.getJsonArray("entries", new JsonArray());
      JsonArray split = b.getJsonArray("splitBrain", new JsonArray());
      String count = up ? String.valueOf(entries.size()) : "-";
      String splitCount = up ? String.valueOf(split.size()) : "-";
      sb.append("Brick ").append(b.getString("name")).append('\n');
      if (up && view == HealView.INFO) { // gluster: a space after a path waiting for heal
        entries.forEach(e -> sb.append(e).append(split.contains(e) ? " - Is in split-brain\n" : " \n"));
      } else if (up && view == HealView.SPLIT_BRAIN) {
        split.forEach(e -> sb.append(e).append('\n'));
      }
      sb.append("Status: ").append(up ? "Connected" : "Transport endpoint is not connected").append('\n');
      switch (view) {
        case INFO -> sb.append("Number of entries: ").append(count).append('\n');
        case SPLIT_BRAIN -> sb.append("Number of entries in split-brain: ").append(splitCount).append('\n');
        case SUMMARY -> sb.append("Total Number of entries: ").append(count).append('\n')
            .append("Number of entries in heal pending: ")
            .append(up ? String.valueOf(entries.size() - split.size()) : "-").append('\n')
            .append("Number of entries in split-brain: ").append(splitCount).append('\n')
            .append("Number of entries possibly healing: ").append(up ? "0" : "-").append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  public static String options(JsonObject answer) {
    StringBuilder b = new StringBuilder(optionLine("Option", "Value")).append(optionLine("------", "-----"));
    JsonArray options = answer.getJsonArray("options", new JsonArray());
    for (int i = 0; i < options.size(); i++) {
      JsonObject o = options.getJsonObject(i);
      String value = String.valueOf(o.getValue("value"));
      b.append(optionLine(o.getString("key"), o.getBoolean("default", false) ? value + " (DEFAULT)" : value));
    }
    return b.toString();
  }

  private static String optionLine(String key, String value) {
    return Text.pad(key, 40) + " " + Text.pad(value, 39) + "\n";
  }

  private static String brickName(JsonObject brick) {
    String name = brick.getString("name");
    return name != null ? name : brick.getString("host") + ":" + brick.getString("path");
  }
}
