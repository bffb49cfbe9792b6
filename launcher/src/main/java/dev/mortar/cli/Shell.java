package dev.mortar.cli;

import java.util.List;

/**
 * The {@code mortar>} shell, as {@code gluster} alone opens one: each line is one command, a failing command does
 * not end the shell, and end of input, {@code exit} or {@code quit} do. The prompt is shown only to a person at a
 * terminal; piped input is run line by line without it.
 */
public final class Shell {
  static final String PROMPT = "mortar> ";

  private final Terminal terminal;
  private final Globals globals;

  /** @param globals the options the shell was opened with; a line's own options add to them for that line */
  public Shell(Terminal terminal, Globals globals) {
    this.terminal = terminal;
    this.globals = globals;
  }

  /** Reads and runs lines until the end; returns 0 as gluster's shell does. */
  public int run() {
    while (true) {
      if (terminal.interactive()) {
        terminal.out().print(PROMPT);
        terminal.out().flush();
      }
      String line = terminal.readLine();
      if (line == null) {
        if (terminal.interactive()) {
          terminal.out().println(); // leave the user's shell prompt on a line of its own
        }
        terminal.flush();
        return 0;
      }
      List<String> words;
      try {
        words = ShellWords.split(line);
      } catch (IllegalArgumentException e) {
        terminal.err().println(e.getMessage());
        terminal.flush();
        continue;
      }
      if (words.size() == 1 && (words.get(0).equals("exit") || words.get(0).equals("quit"))) {
        terminal.flush();
        return 0;
      }
      if (!words.isEmpty()) {
        new Mortar(terminal, globals, true).run(words.toArray(String[]::new));
      }
    }
  }
}
