package dev.mortar.cli.commands;

import dev.mortar.cli.UsageError;

/** Small word checks shared by several commands. */
final class Words {
  private Words() {}

  /** The optional trailing {@code force} of gluster commands: absent, or exactly that word. */
  static boolean force(String word) {
    if (word == null) {
      return false;
    }
    if (!word.equals("force")) {
      throw new UsageError("unrecognized word: " + word + "; only force may follow");
    }
    return true;
  }

  /** {@code all} or nothing means every volume (or option). */
  static boolean all(String word) {
    return word == null || word.equals("all");
  }
}
