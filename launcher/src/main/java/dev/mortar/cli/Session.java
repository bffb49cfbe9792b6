package dev.mortar.cli;

import dev.mortar.cli.AdminClient.Answer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * What one command works with: the terminal, the global options, the node's API, and the few ways an outcome is
 * shown. Text goes where gluster puts it (successes on stdout, failures on stderr); with {@code --json} the API's
 * answer is printed instead, on stdout when it succeeded and on stderr when it did not, with the same exit code.
 */
public final class Session {
  private final Terminal terminal;
  private final Globals globals;
  private AdminClient client;

  public Session(Terminal terminal, Globals globals) {
    this.terminal = terminal;
    this.globals = globals;
  }

  public Terminal terminal() {
    return terminal;
  }

  public Globals globals() {
    return globals;
  }

  /** The node's API; made on first use so that commands which send nothing never need a valid host. */
  public AdminClient api() {
    if (client == null) {
      try {
        client = new AdminClient(globals.remoteHost());
      } catch (IllegalArgumentException e) {
        throw new Failure(400, e.getMessage());
      }
    }
    return client;
  }

  /**
   * Asks before a destructive step, only when a person is at a terminal and {@code --mode=script} was not given
   * (gluster asks in the same cases).
   */
  public boolean confirm(String question) {
    return !terminal.interactive() || globals.script() || terminal.confirm(question);
  }

  /** An action's outcome: {@code <prefix>: <success>} on stdout, or {@code <prefix>: failed: <message>} (exit 1). */
  public int report(Answer answer, String prefix, String success) {
    return report(answer, prefix, success, 1);
  }

  public int report(Answer answer, String prefix, String success, int failureCode) {
    return show(answer, prefix, failureCode, body -> prefix + ": " + success + "\n");
  }

  /** A query's outcome: the text made from the answer, or {@code <prefix>: failed: <message>} (exit 1). */
  public int show(Answer answer, String prefix, Function<JsonObject, String> text) {
    return show(answer, prefix, 1, text);
  }

  private int show(Answer answer, String prefix, int failureCode, Function<JsonObject, String> text) {
    if (!answer.ok()) {
      return failed(answer, prefix, failureCode);
    }
    if (globals.json()) {
      printJson(answer.body());
    } else {
      print(text.apply(answer.body()));
    }
    return 0;
  }

  /** An API error: {@code <prefix>: failed: <message>} on stderr, or the error body with {@code --json}. */
  public int failed(Answer answer, String prefix, int code) {
    return fail(answer.body(), prefix + ": failed: " + answer.message(), code);
  }

  /**
   * A failure: {@code line} on stderr, or with {@code --json} the error body.
   *
   * @return {@code code}, to be returned as the exit status
   */
  public int fail(JsonObject error, String line, int code) {
    if (globals.json()) {
      terminal.err().println(error.encodePrettily());
    } else {
      terminal.err().println(line);
    }
    return code;
  }

  /** A failure the CLI finds itself (volume not started, ...), shown as the API would show it. */
  public int fail(int httpStatus, String message) {
    return fail(Answer.error(httpStatus, message), message, 1);
  }

  /** Exact text on stdout (formatters end their lines with \n themselves). */
  public void print(String text) {
    terminal.out().print(text);
  }

  /** A line on stderr that is not a failure (gluster's "No volumes present" goes there with status 0). */
  public void note(String line) {
    terminal.err().println(line);
  }

  public void printJson(JsonObject json) {
    terminal.out().println(json.encodePrettily());
  }

  /** Ends a command with a message on stderr and an exit status, from any depth. */
  public static final class Failure extends RuntimeException {
    public final int httpStatus;

    public Failure(int httpStatus, String message) {
      super(message);
      this.httpStatus = httpStatus;
    }
  }
}
