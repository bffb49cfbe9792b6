package dev.mortar.cli.commands;

import dev.mortar.cli.HelpText;
import dev.mortar.cli.Mortar;
import dev.mortar.cli.Session;
import dev.mortar.cli.UsageError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A gluster command word ({@code peer}, {@code pool}, {@code volume}) whose commands are its methods. */
abstract class CommandGroup implements Callable<Integer> {
  @ParentCommand
  Mortar mortar;

  @Spec
  CommandSpec spec;

  /** The word alone is not a command: show the group's commands. */
  @Override
  public Integer call() {
    throw new UsageError("missing " + spec.name() + " command");
  }

  Session session() {
    return mortar.session();
  }

  /** {@code <group> help}: the group's commands with their descriptions. */
  int help() {
    session().print(HelpText.commands(spec.commandLine(), mortar.inShell()));
    return 0;
  }
}
