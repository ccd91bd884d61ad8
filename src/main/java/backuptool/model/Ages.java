package backuptool.model;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Ages in the words a person would use: the two largest units that are not zero, rounded down ("30
 * days 5 hours"), so that an age printed next to a limit is visibly on its side of it.
 */
public final class Ages {
  private static final String[] UNITS = {"day", "hour", "minute", "second"};
  private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};

  private Ages() {}

  public static String describe(LocalDateTime time, LocalDateTime now) {
    Duration age = Duration.between(time, now);
    if (age.isNegative()) {
      return "dated " + span(age.negated()) + " in the future";
    }
    return span(age) + " old";
  }

  /**
   * True if the age of {@code time} prints as exactly {@code days} days: at the limit, or beyond it
   * by less than a second, where "beyond" would not look true.
   */
  public static boolean printsAsExactly(LocalDateTime time, LocalDateTime now, int days) {
    return Duration.between(time, now).toSeconds() == Duration.ofDays(days).toSeconds();
  }

  private static String span(Duration d) {
    List<String> parts = new ArrayList<>();
    long left = d.toSeconds();
    for (int i = 0; i < UNITS.length && parts.size() < 2; i++) {
      long n = left / UNIT_SECONDS[i];
      left %= UNIT_SECONDS[i];
      if (n > 0) {
        parts.add(n + " " + UNITS[i] + (n == 1 ? "" : "s"));
      }
    }
    return parts.isEmpty() ? "less than a second" : String.join(" ", parts);
  }
}
