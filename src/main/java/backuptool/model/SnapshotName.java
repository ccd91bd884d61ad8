package backuptool.model;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot's name: {@code YYYY-MM-DDTHH:MM:SS[-SUFFIX]} in local time, or the original script's
 * older hand-written {@code YYYY-MM-DD[-text]}, which counts as midnight.
 */
public record SnapshotName(
    String text, LocalDateTime time, Optional<String> suffix, boolean dateOnly) {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final Pattern FORM =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2}):(\\d{2}))?(?:-("
              + Suffix.CHARS
              + "+))?");

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

  /** The name's meaning, or empty when {@code text} is not a snapshot name. */
  public static Optional<SnapshotName> parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<String> suffix = Optional.ofNullable(m.group(7));
    if (suffix.isPresent() && Suffix.problem(suffix.get()).isPresent()) {
      return Optional.empty();
    }
    try {
      LocalDate date = LocalDate.of(num(m, 1), num(m, 2), num(m, 3));
      boolean dateOnly = m.group(4) == null;
      LocalTime time =
          dateOnly ? LocalTime.MIDNIGHT : LocalTime.of(num(m, 4), num(m, 5), num(m, 6));
      return Optional.of(new SnapshotName(text, LocalDateTime.of(date, time), suffix, dateOnly));
    } catch (DateTimeException e) {
      return Optional.empty(); // 2026-02-30 looks like a name but is not a date
    }
  }

  private static int num(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }

  @Override
  public String toString() {
    return text;
  }
}
