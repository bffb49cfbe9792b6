package dev.mortar.cli;

import dev.mortar.cli.commands.HelpCommand;
import dev.mortar.cli.commands.PeerCommands;
import dev.mortar.cli.commands.PoolCommands;
import dev.mortar.cli.commands.VolumeCommands;
import dev.mortar.launcher.MountCommand;
import dev.mortar.launcher.NodeCommand;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code mortar}: the gluster-style CLI, a client of a node's admin API, and the entry point of every role
 * ({@code mortar node}). With no command it opens the interactive shell.
 */
@Command(name = "mortar",
    customSynopsis = "mortar [--remote-host=HOST[:PORT]] [--mode=script] [--json] [<command> ...]",
    description = "Mortar cluster filesystem. With no command, opens the mortar shell.",
    subcommands = {PeerCommands.class, PoolCommands.class, VolumeCommands.class, HelpCommand.class})
public final class Mortar implements Callable<Integer> {
  static final String CONNECTION_FAILED = "Connection failed. Please check if mortar node is operational.";
  static final String TIMED_OUT = "Error : Request timed out";

  // Inherited: gluster takes its options anywhere on the line (`gluster volume stop v --mode=script`).
  @Option(names = "--remote-host", paramLabel = "HOST[:PORT]", scope = ScopeType.INHERIT,
      description = "node to ask (default: $" + Globals.REMOTE_HOST_ENV + ", else localhost; port 24007)")
  String remoteHost;

  @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the admin API's JSON answer")
  boolean json;

  @Option(names = "--mode", paramLabel = "script", scope = ScopeType.INHERIT,
      description = "script: never ask for confirmation")
  String mode;

  private final Terminal terminal;
  private final Globals base;
  private final boolean inShell;
  private Session session;

  /**
   * @param base    the globals in effect before this line's options (the environment, or the shell's)
   * @param inShell this line was typed in the shell: no nested shell, and help lists exit/quit
   */
  public Mortar(Terminal terminal, Globals base, boolean inShell) {
    this.terminal = terminal;
    this.base = base;
    this.inShell = inShell;
  }

  public static void main(String[] args) {
    Terminal terminal = Terminal.system();
    int status = new Mortar(terminal, Globals.fromEnvironment(System.getenv()), false).run(args);
    terminal.flush();
    System.exit(status);
  }

  /** Runs one command line; returns its exit status. */
  public int run(String... args) {
    int status = commandLine().execute(args);
    terminal.flush();
    return status;
  }

  /** The session of this command line, made once its options are parsed. */
  public Session session() {
    if (session == null) {
      if (mode != null && !mode.equals("script")) {
        throw new UsageError("--mode: unknown mode '" + mode + "'; the only mode is script");
      }
      session = new Session(terminal, base.with(remoteHost, json, mode != null));
    }
    return session;
  }

  public boolean inShell() {
    return inShell;
  }

  /** No command: the shell, with the options given here in force for every line. */
  @Override
  public Integer call() {
    if (inShell) {
      return 0;
    }
    return new Shell(terminal, session().globals()).run();
  }

  CommandLine commandLine() {
    CommandLine cmd = new CommandLine(this);
    CommandLine node = NodeCommand.withSettings(new CommandLine(new NodeCommand()));
    CommandLine mount = new CommandLine(new MountCommand());
    cmd.addSubcommand("node", node);
    cmd.addSubcommand("mount", mount);
    // The node and mount roles have options of their own; the client's globals mean nothing there.
    for (CommandLine role : List.of(node, mount)) {
      for (OptionSpec o : List.copyOf(role.getCommandSpec().options())) {
        if (o.inherited()) {
          role.getCommandSpec().remove(o);
        }
      }
    }
    addHelpOption(cmd, Set.of(node, mount));
    // Values such as `volume set v network.ping-timeout -1` are words, not unknown options.
    cmd.getSubcommands().get("volume").getSubcommands().get("set").setUnmatchedOptionsArePositionalParams(true);
    return cmd.setOut(terminal.out()).setErr(terminal.err())
        .setParameterExceptionHandler(this::onParameterError)
        .setExecutionExceptionHandler(this::onExecutionError);
  }

  /** {@code -h/--help} on every client command (not inherited: {@code node} has its own). */
  private static void addHelpOption(CommandLine cmd, Set<CommandLine> skip) {
    if (skip.contains(cmd)) {
      return;
    }
    cmd.getCommandSpec().addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("show this help").build());
    for (CommandLine sub : new LinkedHashSet<>(cmd.getSubcommands().values())) {
      addHelpOption(sub, skip);
    }
  }

  private int onParameterError(ParameterException e, String[] args) {
    String message = e.getMessage();
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String word = u.getUnmatched().get(0);
      message = "unrecognized word: " + word + " (position " + Arrays.asList(args).indexOf(word) + ")";
    }
    return usage(e.getCommandLine(), message);
  }

  private int onExecutionError(Exception e, CommandLine cmd, ParseResult parsed) {
    if (e instanceof UsageError) {
      return usage(cmd, e.getMessage());
    }
    Session s = session();
    if (e instanceof AdminClient.Unreachable) {
      if (s.globals().json()) {
        return s.fail(503, CONNECTION_FAILED);
      }
      // gluster prints this one on stdout.
      s.print(CONNECTION_FAILED + "\n");
      return 1;
    }
    if (e instanceof AdminClient.TimedOut) {
      return s.fail(503, TIMED_OUT);
    }
    if (e instanceof Session.Failure f) {
      return s.fail(f.httpStatus, f.getMessage());
    }
    terminal.err().println("mortar: internal error: " + e);
    return 1;
  }

  private int usage(CommandLine cmd, String message) {
    terminal.err().print(message + "\n\n" + HelpText.usage(cmd));
    return 1;
  }
}
