package backuptool.remote;

/**
 * Shows user input in messages with control characters made visible, as {@code cli.Quote} does for
 * the command layer (kept separate so this package depends on nothing of the command layer).
 */
final class Shown {
  private Shown() {}

  /** {@code text} in single quotes, with newline as {@code \n}, other controls as {@code \xNN}. */
  static String text(String text) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? character(c) : c == '\'' ? "\\'" : String.valueOf(c));
    }
    return sb.append("'").toString();
  }

  /** A control character as {@code \n} or {@code \xNN}. */
  static String character(char c) {
    return c == '\n' ? "\\n" : String.format("\\x%02x", (int) c);
  }
}
