package dev.mortar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {

  @Test
  void blanksSeparateWords() {
    assertEquals(List.of("volume", "create", "v", "n1:/b"), ShellWords.split("  volume\tcreate  v n1:/b  "));
    assertEquals(List.of(), ShellWords.split("   "));
  }

  @Test
  void quotesKeepBlanksAndJoinTouchingPieces() {
    assertEquals(List.of("volume", "set", "v", "auth.allow", "10.0.0.1, 10.0.0.2"),
        ShellWords.split("volume set v auth.allow '10.0.0.1, 10.0.0.2'"));
    assertEquals(List.of("a b c"), ShellWords.split("a' 'b\" c\""));
    assertEquals(List.of("", "x"), ShellWords.split("'' x"));
  }

  @Test
  void singleQuotesKeepBackslashesDoubleQuotesUnescapeQuoteAndBackslash() {
    assertEquals(List.of("a\\\"b"), ShellWords.split("'a\\\"b'"));
    assertEquals(List.of("say \"hi\" \\ \\n"), ShellWords.split("\"say \\\"hi\\\" \\\\ \\n\""));
    assertEquals(List.of("it's"), ShellWords.split("\"it's\""));
  }

  @Test
  void backslashOutsideQuotesKeepsTheNextCharacter() {
    assertEquals(List.of("a b", "c"), ShellWords.split("a\\ b c"));
  }

  @Test
  void aWordStartingWithHashIsAComment() {
    assertEquals(List.of("peer", "status"), ShellWords.split("peer status # who is there"));
    assertEquals(List.of(), ShellWords.split("# only a comment"));
    assertEquals(List.of("a#b"), ShellWords.split("a#b"));
  }

  @Test
  void unfinishedQuotingIsRefused() {
    assertEquals("unterminated ' quote", assertThrows(IllegalArgumentException.class,
        () -> ShellWords.split("volume info 'my")).getMessage());
    assertEquals("unterminated \" quote", assertThrows(IllegalArgumentException.class,
        () -> ShellWords.split("volume info \"my")).getMessage());
    assertEquals("a backslash ends the line", assertThrows(IllegalArgumentException.class,
        () -> ShellWords.split("volume info \\")).getMessage());
  }
}
