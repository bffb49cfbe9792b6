package dev.mortar.cli.commands;

import static dev.mortar.cli.AdminClient.segment;

import dev.mortar.cli.AdminClient.Answer;
import dev.mortar.cli.Session;
import dev.mortar.cli.UsageError;
import dev.mortar.cli.format.VolumeFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code volume create|start|stop|delete|info|status|list|set|get|reset|help}. */
@Command(name = "volume", description = "manage volumes")
public final class VolumeCommands extends CommandGroup {
  static final String STOP_QUESTION = "Stopping volume will make its data inaccessible. Do you want to continue?";
  static final String DELETE_QUESTION = "Deleting volume will erase all information about the volume. "
      + "Do you want to continue?";
  private static final String STARTED = "Started";

  @Command(name = "create", customSynopsis = CreateArgs.SYNOPSIS,
      description = "create a new volume of specified type with mentioned bricks")
  int create(@Parameters(paramLabel = "<NEW-VOLNAME>") String name,
             @Parameters(paramLabel = "<WORD>", arity = "0..*", description = "[replica <COUNT> [arbiter 1]] "
                 + "[transport tcp], then the bricks <HOSTNAME>:<export-dir-abs-path>, then optionally force")
             List<String> words) {
    // No words at all gets the grammar's own message ("no bricks given") rather than picocli's.
    CreateArgs args = CreateArgs.parse(name, words == null ? List.of() : words);
    return session().report(session().api().post("/volumes", args.toJson()), "volume create: " + name,
        "success: please start the volume to access data");
  }

  @Command(name = "start", customSynopsis = "volume start <VOLNAME> [force]",
      description = "start volume specified by <VOLNAME>")
  int start(@Parameters(paramLabel = "<VOLNAME>") String name,
            @Parameters(arity = "0..1", paramLabel = "force") String force) {
    JsonObject body = new JsonObject().put("force", Words.force(force));
    return session().report(session().api().post(path(name) + "/start", body), "volume start: " + name, "success");
  }

  @Command(name = "stop", customSynopsis = "volume stop <VOLNAME> [force]",
      description = "stop volume specified by <VOLNAME>")
  int stop(@Parameters(paramLabel = "<VOLNAME>") String name,
           @Parameters(arity = "0..1", paramLabel = "force") String force) {
    JsonObject body = new JsonObject().put("force", Words.force(force));
    if (!session().confirm(STOP_QUESTION)) {
      return 0;
    }
    return session().report(session().api().post(path(name) + "/stop", body), "volume stop: " + name, "success");
  }

  @Command(name = "delete", customSynopsis = "volume delete <VOLNAME>",
      description = "delete volume specified by <VOLNAME>")
  int delete(@Parameters(paramLabel = "<VOLNAME>") String name) {
    if (!session().confirm(DELETE_QUESTION)) {
      return 0;
    }
    return session().report(session().api().delete(path(name)), "volume delete: " + name, "success");
  }

  @Command(name = "info", customSynopsis = "volume info [all|<VOLNAME>]",
      description = "list information of all volumes")
  int info(@Parameters(arity = "0..1", paramLabel = "all|<VOLNAME>") String name) {
    Session s = session();
    if (!Words.all(name)) {
      Answer answer = s.api().get(path(name));
      return answer.status() == 404 ? missing(answer, name)
          : s.show(answer, "volume info", v -> VolumeFormat.info(List.of(v)));
    }
    Answer answer = s.api().get("/volumes");
    if (answer.ok() && !s.globals().json() && volumes(answer).isEmpty()) {
      s.note("No volumes present"); // gluster: stderr, status 0
      return 0;
    }
    return s.show(answer, "volume info", body -> VolumeFormat.info(volumes(answer)));
  }

  @Command(name = "list", customSynopsis = "volume list", description = "list all volumes in cluster")
  int list() {
    Session s = session();
    Answer answer = s.api().get("/volumes");
    if (answer.ok() && !s.globals().json() && volumes(answer).isEmpty()) {
      s.note("No volumes present in cluster"); // gluster: stderr, status 0
      return 0;
    }
    return s.show(answer, "volume list", body -> VolumeFormat.list(volumes(answer)));
  }

  @Command(name = "status", customSynopsis = "volume status [all | <VOLNAME>]",
      description = "display status of all or specified volume(s)")
  int status(@Parameters(arity = "0..1", paramLabel = "all|<VOLNAME>") String name) {
    return Words.all(name) ? statusOfAll() : statusOf(name);
  }

  private int statusOf(String name) {
    Session s = session();
    Answer answer = s.api().get(path(name) + "/status");
    if (answer.status() == 404) {
      return missing(answer, name);
    }
    if (answer.ok() && !STARTED.equals(answer.body().getString("status"))) {
      return s.fail(409, notStarted(name));
    }
    return s.show(answer, "volume status", VolumeFormat::status);
  }

  /** Like gluster: every started volume in turn; a volume not started is named on stderr and skipped. */
  private int statusOfAll() {
    Session s = session();
    boolean json = s.globals().json();
    Answer all = s.api().get("/volumes");
    if (!all.ok()) {
      return s.failed(all, "volume status", 1);
    }
    List<JsonObject> volumes = volumes(all);
    if (volumes.isEmpty() && !json) {
      s.note("No volumes present");
      return 0;
    }
    JsonArray statuses = new JsonArray();
    for (JsonObject v : volumes) {
      String volume = v.getString("name");
      if (!STARTED.equals(v.getString("status"))) {
        if (!json) {
          s.note(notStarted(volume));
          s.print(" \n");
        }
        continue;
      }
      Answer answer = s.api().get(path(volume) + "/status");
      if (!answer.ok()) {
        return s.failed(answer, "volume status", 1);
      }
      if (json) {
        statuses.add(answer.body());
      } else {
        s.print(VolumeFormat.status(answer.body()));
      }
    }
    if (json) {
      s.printJson(new JsonObject().put("volumes", statuses));
    }
    return 0;
  }

  @Command(name = "set", customSynopsis = "volume set <VOLNAME> <KEY> <VALUE> [<KEY> <VALUE> ...]",
      description = "set options for volume <VOLNAME>")
  int set(@Parameters(paramLabel = "<VOLNAME>") String name,
          @Parameters(paramLabel = "<KEY> <VALUE>", arity = "1..*") List<String> pairs) {
    if (pairs.size() % 2 != 0) {
      throw new UsageError("option " + pairs.get(pairs.size() - 1) + " has no value");
    }
    JsonObject options = new JsonObject();
    for (int i = 0; i < pairs.size(); i += 2) {
      options.put(pairs.get(i), pairs.get(i + 1));
    }
    Answer answer = session().api().put(path(name) + "/options", new JsonObject().put("options", options));
    return session().report(answer, "volume set", "success");
  }

  @Command(name = "get", customSynopsis = "volume get <VOLNAME> <key|all>",
      description = "Get the value of the all options or given option for volume <VOLNAME>")
  int get(@Parameters(paramLabel = "<VOLNAME>") String name, @Parameters(paramLabel = "<key|all>") String key) {
    Session s = session();
    boolean all = Words.all(key);
    Answer answer = s.api().get(path(name) + "/options" + (all ? "" : "/" + segment(key)));
    // A 404 names either the volume or the option; only a missing volume gets gluster's sentence.
    if (answer.status() == 404 && (all || s.api().get(path(name)).status() == 404)) {
      return missing(answer, name);
    }
    return s.show(answer, "volume get option", VolumeFormat::options);
  }

  @Command(name = "reset", customSynopsis = "volume reset <VOLNAME> [<KEY>|all]",
      description = "reset all the reconfigured options")
  int reset(@Parameters(paramLabel = "<VOLNAME>") String name,
            @Parameters(arity = "0..1", paramLabel = "<KEY>|all") String key) {
    Answer answer = session().api().delete(path(name) + "/options" + (Words.all(key) ? "" : "/" + segment(key)));
    return session().report(answer, "volume reset", "success: reset volume successful");
  }

  @Command(name = "heal", customSynopsis = "volume heal <VOLNAME> [full | info [summary | split-brain] |"
      + " split-brain {bigger-file <FILE> | latest-mtime <FILE> | source-brick <HOSTNAME:BRICKNAME> [<FILE>]}]",
      description = "heal what the heal indexes name now (full: compare every file), list what waits for heal, or"
          + " resolve a split-brain")
  int heal(@Parameters(paramLabel = "<VOLNAME>") String name,
           @Parameters(paramLabel = "WORDS", arity = "0..4") List<String> given) {
    List<String> words = given == null ? List.of() : given;
    Session s = session();
    if (words.isEmpty() || words.equals(List.of("full"))) {
      boolean full = !words.isEmpty();
      Answer answer = s.api().post(path(name) + "/heal", new JsonObject().put("full", full));
      if (answer.status() == 404 && !s.globals().json()) {
        return healOfMissingVolume(name);
      }
      if (!answer.ok()) {
        return s.fail(answer.body(), "Launching heal operation to perform " + (full ? "full" : "index")
            + " self heal on volume " + name + " has been unsuccessful:\n" + answer.message(), 1);
      }
      return s.show(answer, "volume heal", body -> body.getString("message") + "\n");
    }
    if (words.get(0).equals("split-brain")) {
      return splitBrain(name, words.subList(1, words.size()));
    }
    VolumeFormat.HealView view = switch (String.join(" ", words)) {
      case "info" -> VolumeFormat.HealView.INFO;
      case "info summary" -> VolumeFormat.HealView.SUMMARY;
      case "info split-brain" -> VolumeFormat.HealView.SPLIT_BRAIN;
      default -> throw new UsageError("volume heal " + name + " " + String.join(" ", words)
          + ": expected nothing, 'full', 'info [summary | split-brain]' or 'split-brain ...'");
    };
    Answer answer = s.api().get(path(name) + "/heal-info");
    if (answer.status() == 404 && !s.globals().json()) {
      return healOfMissingVolume(name);
    }
    return s.show(answer, "volume heal", body -> VolumeFormat.healInfo(body, view));
  }

  /** {@code volume heal VOL split-brain POLICY ...}: resolves with the copy the person names. */
  private int splitBrain(String name, List<String> words) {
    Session s = session();
    String policy = words.isEmpty() ? "" : words.get(0);
    JsonObject body = new JsonObject().put("policy", policy);
    boolean shapeOk = switch (policy) {
      case "bigger-file", "latest-mtime" -> words.size() == 2;
      case "source-brick" -> words.size() == 2 || words.size() == 3;
      default -> false;
    };
    if (!shapeOk) {
      throw new UsageError("volume heal " + name + " split-brain: expected bigger-file <FILE>, latest-mtime <FILE>"
          + " or source-brick <HOSTNAME:BRICKNAME> [<FILE>]");
    }
    String file = policy.equals("source-brick") ? (words.size() == 3 ? words.get(2) : null) : words.get(1);
    if (policy.equals("source-brick")) {
      body.put("source", words.get(1));
    }
    if (file != null) {
      if (!file.startsWith("/")) { // gluster: stdout, status 1
        s.print("<FILE> must be absolute path w.r.t. the volume, starting with '/'\nVolume heal failed.\n");
        return 1;
      }
      body.put("file", file);
    }
    Answer answer = s.api().post(path(name) + "/split-brain", body);
    if (answer.status() == 404 && !s.globals().json()) {
      return healOfMissingVolume(name);
    }
    if (!answer.ok() && !s.globals().json()) {
      s.print(answer.message() + "\nVolume heal failed.\n");
      return 1;
    }
    return s.show(answer, "volume heal", b -> b.getString("message") + "\n");
  }

  private int healOfMissingVolume(String name) {
    session().print("Volume " + name + " does not exist\nVolume heal failed.\n"); // gluster: stdout, status 254
    return 254;
  }

  @Command(name = "help", customSynopsis = "volume help", description = "display help for the volume command")
  int helpCommand() {
    return help();
  }

  private static String path(String volume) {
    return "/volumes/" + segment(volume);
  }

  private static String notStarted(String volume) {
    return "Volume " + volume + " is not started";
  }

  /** gluster's answer for a volume that does not exist, whatever the node's wording. */
  private int missing(Answer answer, String volume) {
    return session().fail(answer.body(), "Volume " + volume + " does not exist", 1);
  }

  private static List<JsonObject> volumes(Answer answer) {
    List<JsonObject> list = new ArrayList<>();
    answer.body().getJsonArray("volumes", new JsonArray()).forEach(v -> list.add((JsonObject) v));
    return list;
  }
}
