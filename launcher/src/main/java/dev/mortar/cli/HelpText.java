package dev.mortar.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Command synopses and one-line descriptions, read from the picocli tree so that {@code help}, usage errors and
 * the commands themselves never disagree. Lines read {@code <synopsis> - <description>}, sorted, as gluster's help.
 */
public final class HelpText {
  private static final List<String> SHELL_ONLY = List.of("exit - leave the mortar shell",
      "quit - leave the mortar shell");

  private HelpText() {}

  /** Help for every command under {@code from} (all commands when it is the root). */
  public static String commands(CommandLine from, boolean inShell) {
    List<String> lines = new ArrayList<>();
    for (CommandLine leaf : leaves(from)) {
      String[] description = leaf.getCommandSpec().usageMessage().description();
      lines.add(synopsis(leaf) + " - " + (description.length > 0 ? description[0] : ""));
    }
    if (inShell && from.getParent() == null) {
      lines.addAll(SHELL_ONLY);
    }
    lines.sort(null);
    return String.join("\n", lines) + "\n";
  }

  /** The usage shown after a usage error: the command's synopsis, or those of every command in a group. */
  public static String usage(CommandLine cmd) {
    List<String> lines = new ArrayList<>();
    if (cmd.getParent() == null) {
      lines.add(synopsis(cmd));
      lines.add("Type 'mortar help' for the commands.");
    } else {
      leaves(cmd).forEach(leaf -> lines.add(synopsis(leaf)));
      lines.sort(null);
    }
    return "Usage:\n" + String.join("\n", lines) + "\n";
  }

  /** The custom synopsis when the command has one, else its words (without "mortar") and [OPTIONS]. */
  static String synopsis(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    String[] custom = spec.usageMessage().customSynopsis();
    if (custom.length > 0) {
      return custom[0];
    }
    String words = spec.qualifiedName(" ");
    if (spec.parent() != null) {
      words = words.substring(words.indexOf(' ') + 1);
    }
    return words + (spec.options().isEmpty() ? "" : " [OPTIONS]");
  }

  private static List<CommandLine> leaves(CommandLine cmd) {
    List<CommandLine> leaves = new ArrayList<>();
    if (cmd.getSubcommands().isEmpty()) {
      leaves.add(cmd);
    }
    // A command with aliases is in the map once per name: list it once.
    for (CommandLine sub : new LinkedHashSet<>(cmd.getSubcommands().values())) {
      leaves.addAll(leaves(sub));
    }
    return leaves;
  }
}
