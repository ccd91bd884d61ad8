package backuptool.config;

/**
 * tomlj looks keys up as dotted paths; a key that itself contains odd characters must be quoted.
 */
final class TomlQuoting {
  private TomlQuoting() {}

  static String key(String key) {
    if (key.matches("[A-Za-z0-9_-]+")) {
      return key;
    }
    return "\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
