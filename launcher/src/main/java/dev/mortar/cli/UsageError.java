package dev.mortar.cli;

/**
 * Words that do not fit a command's grammar, found after picocli has parsed them (e.g. the {@code volume create}
 * keywords). Shown like picocli's own parse errors: the message, then the command's usage; exit status 1.
 */
public final class UsageError extends RuntimeException {
  public UsageError(String message) {
    super(message);
  }
}
