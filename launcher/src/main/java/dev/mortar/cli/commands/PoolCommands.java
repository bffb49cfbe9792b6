package dev.mortar.cli.commands;

import dev.mortar.cli.format.PeerFormat;
import picocli.CommandLine.Command;

/** {@code pool list}. */
@Command(name = "pool", description = "the nodes of the trusted pool")
public final class PoolCommands extends CommandGroup {
  @Command(name = "list", customSynopsis = "pool list",
      description = "list all the nodes in the pool (including localhost)")
  int list() {
    return session().show(session().api().get("/pool"), "pool list", PeerFormat::poolList);
  }
}
