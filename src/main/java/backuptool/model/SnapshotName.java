package backuptool.model;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;

/**
 * A snapshot's name: {@code YYYY-MM-DDTHH:MM:SS[-SUFFIX]} in local time, or the original script's
 * older hand-written {@code YYYY-MM-DD[-text]}, which counts as midnight.
 */
public record SnapshotName(
    String text, LocalDateTime time, Optional<String> suffix, boolean dateOnly) {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  /**
   * Oldest first: by time, then the full name, so that two names of the same second (or a date-only
   * name and a midnight snapshot) always sort the same way.
   */
  public static final Comparator<SnapshotName> ORDER =
      Comparator.comparing(SnapshotName::time).thenComparing(SnapshotName::text);

  /** The name of a new snapshot taken at {@code time} (seconds are kept, the rest dropped). */
  public static SnapshotName of(LocalDateTime time, Optional<String> suffix) {
    LocalDateTime seconds = time.withNano(0);
    String text = STAMP.format(seconds) + suffix.map(s -> "-" + s).orElse("");
    return new SnapshotName(text, seconds, suffix, false);
  }

  /**
   * The name's meaning, or empty when {@code text} is not a snapshot name: {@code
   * (\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?(?:-(SUFFIX))?} with {@link Suffix#CHARS},
   * read by hand (a regular expression per directory entry was a good part of a cold run's scan).
   */
  public static Optional<SnapshotName> parse(String text) {
    int n = text.length();
    if (n < 10
        || !digits(text, 0, 4)
        || text.charAt(4) != '-'
        || !digits(text, 5, 7)
        || text.charAt(7) != '-'
        || !digits(text, 8, 10)) {
      return Optional.empty();
    }
    int at = 10;
    boolean dateOnly = true;
    if (n >= 19
        && text.charAt(10) == 'T'
        && digits(text, 11, 13)
        && text.charAt(13) == ':'
        && digits(text, 14, 16)
        && text.charAt(16) == ':'
        && digits(text, 17, 19)) {
      at = 19;
      dateOnly = false;
    }
    Optional<String> suffix = Optional.empty();
    if (at < n) {
      if (text.charAt(at) != '-' || at + 1 == n) {
        return Optional.empty();
      }
      for (int i = at + 1; i < n; i++) {
        if (!suffixChar(text.charAt(i))) {
          return Optional.empty();
        }
      }
      suffix = Optional.of(text.substring(at + 1));
      if (Suffix.problem(suffix.get()).isPresent()) {
        return Optional.empty();
      }
    }
    try {
      LocalDate date = LocalDate.of(num(text, 0, 4), num(text, 5, 7), num(text, 8, 10));
      LocalTime time =
          dateOnly
              ? LocalTime.MIDNIGHT
              : LocalTime.of(num(text, 11, 13), num(text, 14, 16), num(text, 17, 19));
      return Optional.of(new SnapshotName(text, LocalDateTime.of(date, time), suffix, dateOnly));
    } catch (DateTimeException e) {
      return Optional.empty(); // 2026-02-30 looks like a name but is not a date
    }
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int num(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    return value;
  }

  /** One character of {@link Suffix#CHARS}: {@code [A-Za-z0-9._+-]}. */
  private static boolean suffixChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '+'
        || c == '-';
  }

  @Override
  public String toString() {
    return text;
  }
}
