package dev.mortar.cli.commands;

import static dev.mortar.cli.AdminClient.segment;

import dev.mortar.cli.AdminClient.Answer;
import dev.mortar.cli.Session;
import dev.mortar.cli.format.PeerFormat;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code peer probe|detach|status|help}. */
@Command(name = "peer", description = "manage the peers of the trusted pool")
public final class PeerCommands extends CommandGroup {
  /** gluster's question, with this product's name. */
  static final String DETACH_QUESTION = "All clients mounted through the peer which is getting detached need to be"
      + " remounted using one of the other active peers in the trusted storage pool to ensure client gets"
      + " notification on any changes done on the mortar configuration and if the same has been done do you want"
      + " to proceed?";
  /** gluster exits with 255 when a detach fails (see the reference capture). */
  static final int DETACH_FAILED = 255;

  @Command(name = "probe", customSynopsis = "peer probe { <HOSTNAME> | <IP-address> }",
      description = "probe peer specified by <HOSTNAME>")
  int probe(@Parameters(paramLabel = "<HOSTNAME>") String host) {
    Answer answer = session().api().post("/peers", new JsonObject().put("host", host));
    // The node words the outcome: "success", "Probe on localhost not needed", "Host n2 port 24007 already ...".
    return session().report(answer, "peer probe", answer.body().getString("message", "success"));
  }

  @Command(name = "detach", customSynopsis = "peer detach { <HOSTNAME> | <IP-address> } [force]",
      description = "detach peer specified by <HOSTNAME>")
  int detach(@Parameters(paramLabel = "<HOSTNAME>") String host,
             @Parameters(arity = "0..1", paramLabel = "force") String force) {
    boolean forced = Words.force(force);
    Session s = session();
    if (!s.confirm(DETACH_QUESTION)) {
      return 0;
    }
    Answer answer = s.api().delete("/peers/" + segment(host) + (forced ? "?force=true" : ""));
    return s.report(answer, "peer detach", "success", DETACH_FAILED);
  }

  @Command(name = "status", customSynopsis = "peer status", description = "list status of peers")
  int status() {
    return session().show(session().api().get("/peers"), "peer status", PeerFormat::peerStatus);
  }

  @Command(name = "help", customSynopsis = "peer help", description = "display help for peer commands")
  int helpCommand() {
    return help();
  }
}
