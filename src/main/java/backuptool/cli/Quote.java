package backuptool.cli;

/** Shows user input in messages so that spaces, quotes and control characters stay visible. */
final class Quote {
  private Quote() {}

  static String shown(String text) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else if (c == '\'') {
        sb.append("\\'");
      } else {
        sb.append(c);
      }
    }
    return sb.append("'").toString();
  }
}
