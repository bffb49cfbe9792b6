package dev.mortar.cli.format;

/** The two printf habits gluster's tables rest on. */
final class Text {
  private Text() {}

  /** C's {@code %-Ns}: left-aligned, padded with spaces, never cut. */
  static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** gluster's rule under table headers: 78 dashes. */
  static final String RULE = "-".repeat(78);
}
