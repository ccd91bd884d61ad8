package backuptool.model;

import java.util.Optional;
import java.util.regex.Pattern;

/** The rules for the {@code --suffix} of a snapshot name. */
public final class Suffix {
  static final String CHARS = "[A-Za-z0-9._+-]";
  public static final int MAX_LENGTH = 64;
  private static final Pattern ALLOWED = Pattern.compile(CHARS + "+");

  private Suffix() {}

  /** Why {@code suffix} cannot be used, or empty when it can. */
  public static Optional<String> problem(String suffix) {
    if (suffix.isEmpty()) {
      return Optional.of("it is empty");
    }
    if (suffix.length() > MAX_LENGTH) {
      return Optional.of(
          "it is " + suffix.length() + " characters long, at most " + MAX_LENGTH + " are allowed");
    }
    if (suffix.equals(".") || suffix.equals("..")) {
      return Optional.of("'.' and '..' are not allowed");
    }
    if (!ALLOWED.matcher(suffix).matches()) {
      return Optional.of("only letters, digits, '.', '_', '+' and '-' are allowed");
    }
    return Optional.empty();
  }
}
