package dev.mortar.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Where the CLI reads and writes. One reader serves both the shell and confirmation questions, so a question asked
 * in the shell takes the next line of input and not a line some other buffer swallowed.
 *
 * @param interactive a person is at a terminal (both stdin and stdout are one): prompts and questions are shown
 */
public record Terminal(BufferedReader in, PrintWriter out, PrintWriter err, boolean interactive) {

  public static Terminal system() {
    return new Terminal(new BufferedReader(new InputStreamReader(System.in)), new PrintWriter(System.out),
        new PrintWriter(System.err), System.console() != null);
  }

  /** The next line of input, or null at end of input. */
  public String readLine() {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asks a question the way gluster does ({@code ... (y/n) } and no newline); true only for y or yes. */
  public boolean confirm(String question) {
    out.print(question + " (y/n) ");
    out.flush();
    String answer = readLine();
    return answer != null && switch (answer.trim().toLowerCase(Locale.ROOT)) {
      case "y", "yes" -> true;
      default -> false;
    };
  }

  public void flush() {
    out.flush();
    err.flush();
  }
}
