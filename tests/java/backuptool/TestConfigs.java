package backuptool;

import java.nio.file.Path;

/** Configuration text for tests: one place that writes [[backup_pairs]] tables. */
public final class TestConfigs {
  private TestConfigs() {}

  /** One [[backup_pairs]] table; paths may hold any character. */
  public static String pair(
      String name,
      Path volume,
      Path source,
      Path target,
      int count,
      int days,
      int targetCount,
      int targetDays) {
    return String.join(
        "\n",
        "[[backup_pairs]]",
        "name = " + quote(name),
        "original_volume = " + quote(volume.toString()),
        "source = " + quote(source.toString()),
        "target = " + quote(target.toString()),
        "retention_days = " + days,
        "retention_count = " + count,
        "target_retention_days = " + targetDays,
        "target_retention_count = " + targetCount,
        "");
  }

  /** One [[backup_pairs]] table whose sides may be ssh:// URLs. */
  public static String pair(
      String name,
      String volume,
      String source,
      String target,
      int count,
      int days,
      int targetCount,
      int targetDays) {
    return String.join(
        "\n",
        "[[backup_pairs]]",
        "name = " + quote(name),
        "original_volume = " + quote(volume),
        "source = " + quote(source),
        "target = " + quote(target),
        "retention_days = " + days,
        "retention_count = " + count,
        "target_retention_days = " + targetDays,
        "target_retention_count = " + targetCount,
        "");
  }

  /** A TOML basic string holding exactly {@code text}. */
  public static String quote(String text) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
