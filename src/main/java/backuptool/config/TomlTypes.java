package backuptool.config;

import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** Names TOML value types the way a config file's author thinks of them. */
final class TomlTypes {
  private TomlTypes() {}

  static String describe(Object value) {
    if (value instanceof String s) {
      return "the string \"" + s + "\"";
    }
    if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return String.valueOf(value);
    }
    if (value instanceof TomlArray) {
      return "an array";
    }
    if (value instanceof TomlTable) {
      return "a table";
    }
    return "a date or time";
  }
}
