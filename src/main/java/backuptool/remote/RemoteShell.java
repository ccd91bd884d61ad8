package backuptool.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that turns an argument list into the single string that ssh sends to the remote
 * shell, and back.
 *
 * <p>ssh joins its remote words with spaces and the remote user's shell splits them again, so every
 * word must be quoted for that shell. The format is deliberately the simplest that POSIX sh reads:
 * each word single-quoted ({@code 'word'}), words separated by exactly one space. Inside single
 * quotes sh gives every character its literal meaning, so spaces, {@code $()}, {@code ;}, {@code
 * `}, {@code "}, {@code \} and {@code *} are carried exactly. Two things are refused instead: a
 * single quote (it would end the quoting; escaping it as {@code '\''} would make the string much
 * harder to parse without a shell), and control characters such as newline or NUL (NUL cannot be
 * passed at all, and a newline is what an injected second command would look like to the filter).
 *
 * <p>The restricted key's filter ({@code src/packaging/bin/ssh-filter}) parses this format in sh
 * without eval, the way {@link #split} does; {@link #split} is here so that the two stay the same
 * and are tested together.
 */
final class RemoteShell {
  private RemoteShell() {}

  /**
   * Why {@code word} cannot be carried to the remote shell, or empty if it can: a single quote or a
   * control character (U+0000 to U+001F, U+007F).
   */
  static Optional<String> problem(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c == '\'') {
        return Optional.of(
            "contains a single quote ('), which backup-tool does not pass to a remote shell");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(
            "contains the control character "
                + Shown.character(c)
                + ", which backup-tool does not pass to a remote shell");
      }
    }
    return Optional.empty();
  }

  /** {@code 'word'}; a word that {@link #problem} refuses is an IllegalArgumentException. */
  static String quote(String word) {
    Optional<String> problem = problem(word);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(Shown.text(word) + " " + problem.get());
    }
    return "'" + word + "'";
  }

  /** The remote command line for {@code argv}: each word quoted, one space between. */
  static String join(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("an empty command");
    }
    StringBuilder sb = new StringBuilder();
    for (String word : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(word));
    }
    return sb.toString();
  }

  /**
   * The words of {@code line}, which must be exactly what {@link #join} makes; anything else (an
   * unquoted word, two spaces, a control character, a quote left open) is an
   * IllegalArgumentException saying what is wrong.
   */
  static List<String> split(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(
            "the command contains the control character " + Shown.character(c));
      }
    }
    List<String> words = new ArrayList<>();
    int at = 0;
    while (true) {
      if (at >= line.length() || line.charAt(at) != '\'') {
        throw new IllegalArgumentException(
            "word " + (words.size() + 1) + " does not start with a single quote");
      }
      int end = line.indexOf('\'', at + 1);
      if (end < 0) {
        throw new IllegalArgumentException("word " + (words.size() + 1) + " has no closing quote");
      }
      words.add(line.substring(at + 1, end));
      at = end + 1;
      if (at == line.length()) {
        return List.copyOf(words);
      }
      if (line.charAt(at) != ' ') {
        throw new IllegalArgumentException(
            "word " + words.size() + " is followed by something other than one space");
      }
      at++;
    }
  }
}
