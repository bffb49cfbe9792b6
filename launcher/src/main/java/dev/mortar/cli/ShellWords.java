package dev.mortar.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into words the way a POSIX shell does, without expansions: blanks separate words, single
 * quotes keep everything, double quotes keep everything but {@code \"} and {@code \\}, a backslash outside quotes
 * keeps the next character, quoted pieces join the word they touch ({@code a'b c'} is one word), and a word
 * starting with {@code #} begins a comment.
 */
public final class ShellWords {
  private ShellWords() {}

  /** @throws IllegalArgumentException for an unclosed quote or a trailing backslash */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '#' && !inWord) {
        break;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ' quote");
        }
        word.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '"') {
        i = doubleQuoted(line, i + 1, word);
        inWord = true;
      } else if (c == '\\') {
        if (++i == line.length()) {
          throw new IllegalArgumentException("a backslash ends the line");
        }
        word.append(line.charAt(i));
        inWord = true;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  /** Appends a double-quoted piece that starts at {@code from}; returns the index of its closing quote. */
  private static int doubleQuoted(String line, int from, StringBuilder word) {
    for (int i = from; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
        c = line.charAt(++i);
      }
      word.append(c);
    }
    throw new IllegalArgumentException("unterminated \" quote");
  }
}
