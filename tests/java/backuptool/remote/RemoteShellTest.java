package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteShellTest {
  /** Words that a shell would take apart or act on if they were not quoted. */
  static final List<String> HOSTILE =
      List.of(
          "plain",
          "",
          "two words",
          "  leading and trailing  ",
          "$(touch pwned)",
          "${HOME}",
          "$HOME",
          "a;b",
          "a && b || c",
          "`id`",
          "\"double\"",
          "back\\slash\\",
          "*?[a-z]",
          "~root",
          "#comment",
          "a|b>c<d&",
          "{a,b}",
          "!event",
          "-n",
          "--",
          "tab\u00a0nbsp",
          "caf\u00e9 \u65e5\u672c");

  @Test
  void hostileWordsSurviveJoinAndSplitExactly() {
    String line = RemoteShell.join(HOSTILE);
    assertEquals(HOSTILE, RemoteShell.split(line));
    for (String word : HOSTILE) {
      assertEquals(List.of(word), RemoteShell.split(RemoteShell.join(List.of(word))));
    }
  }

  @Test
  void eachWordIsSingleQuotedAndWordsAreSeparatedByOneSpace() {
    assertEquals(
        "'btrfs' 'subvolume' 'show' '/b/x y'",
        RemoteShell.join(List.of("btrfs", "subvolume", "show", "/b/x y")));
    assertEquals("''", RemoteShell.join(List.of("")));
  }

  @Test
  void singleQuotesAndControlCharactersAreRefusedUpFrontSayingWhy() {
    for (String word :
        List.of("it's", "'", "new\nline", "nul\u0000", "tab\t", "cr\r", "del\u007f", "esc\u001b")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RemoteShell.join(List.of("a", word)));
      assertTrue(
          e.getMessage().contains("does not pass to a remote shell"), word + ": " + e.getMessage());
      assertTrue(RemoteShell.problem(word).isPresent(), word);
    }
    assertTrue(
        RemoteShell.problem("new\nline").orElseThrow().contains("\\n"),
        "the newline is shown visibly");
    assertTrue(RemoteShell.problem("it's").orElseThrow().contains("single quote"));
  }

  @Test
  void anEmptyCommandIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> RemoteShell.join(List.of()));
  }

  /** Lines that are not in the format; the filter script refuses them too. */
  static final List<String> MALFORMED =
      List.of(
          "",
          "id",
          "'id' x",
          "'id'  'x'",
          " 'id'",
          "'id' ",
          "'id';'x'",
          "'id' ;touch x",
          "'id'\n'x'",
          "'id'\r",
          "'unterminated",
          "'a''b'",
          "'a' \"b\"",
          "$(id)",
          "'a'\u0000");

  @Test
  void splitRefusesAnythingButTheFormat() {
    for (String line : MALFORMED) {
      assertThrows(
          IllegalArgumentException.class, () -> RemoteShell.split(line), () -> "accepted " + line);
    }
  }

  @Test
  void splitSaysWhichWordIsWrong() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RemoteShell.split("'a' 'b' c"));
    assertEquals("word 3 does not start with a single quote", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RemoteShell.split("'a';'b'"));
    assertEquals("word 1 is followed by something other than one space", e.getMessage());
  }
}
