package dev.mortar.cli.commands;

import dev.mortar.cli.HelpText;
import dev.mortar.cli.Mortar;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code help}: every command with its one-line description, as gluster's help lists them. */
@Command(name = "help", customSynopsis = "help", description = "display command options")
public final class HelpCommand implements Callable<Integer> {
  @ParentCommand
  Mortar mortar;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    mortar.session().print(HelpText.commands(spec.root().commandLine(), mortar.inShell()));
    return 0;
  }
}
