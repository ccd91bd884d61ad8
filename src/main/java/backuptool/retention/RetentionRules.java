package backuptool.retention;

import backuptool.model.Retention;
import backuptool.model.Snapshot;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a snapshot if it is among the newest {@code count} or younger than {@code days} days;
 * deletes the rest. Safety rules that protect more (newest, common parent, unsent) are the
 * planner's; this is the policy alone.
 */
public final class RetentionRules {
  private RetentionRules() {}

  /**
   * One verdict per snapshot, in the order given, which must be oldest first. A snapshot dated in
   * the future (the clock was set back) is kept, and does not take one of the newest {@code count}
   * places from the snapshots that really are the newest.
   */
  public static List<Verdict> decide(
      List<Snapshot> oldestFirst, Retention policy, LocalDateTime now) {
    List<Verdict> verdicts = new ArrayList<>(oldestFirst.size());
    long past = oldestFirst.stream().filter(s -> !s.name().time().isAfter(now)).count();
    long firstOfNewest = Math.max(0, past - policy.count());
    LocalDateTime cutoff = now.minusDays(policy.days());
    int pastIndex = 0;
    for (Snapshot s : oldestFirst) {
      LocalDateTime time = s.name().time();
      String age = Ages.describe(time, now);
      if (time.isAfter(now)) {
        verdicts.add(new Verdict(s, true, age + ", kept (was the clock set back?)"));
        continue;
      }
      boolean amongNewest = pastIndex++ >= firstOfNewest;
      boolean young = time.isAfter(cutoff);
      String reason;
      if (amongNewest) {
        reason = "among newest " + policy.count();
      } else if (young) {
        reason = age + ", within " + days(policy.days());
      } else {
        reason =
            age
                + (Ages.printsAsExactly(time, now, policy.days())
                    ? ", not younger than "
                    : ", beyond ")
                + days(policy.days())
                + " and not among newest "
                + policy.count();
      }
      verdicts.add(new Verdict(s, amongNewest || young, reason));
    }
    return verdicts;
  }

  static String days(int days) {
    return days == 1 ? "1 day" : days + " days";
  }

  /**
   * Ages in the words a person would use: the two largest units that are not zero, rounded down
   * ("30 days 5 hours"), so that an age printed next to a limit is visibly on its side of it.
   */
  static final class Ages {
    private static final String[] UNITS = {"day", "hour", "minute", "second"};
    private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};

    private Ages() {}

    static String describe(LocalDateTime time, LocalDateTime now) {
      Duration age = Duration.between(time, now);
      if (age.isNegative()) {
        return "dated " + span(age.negated()) + " in the future";
      }
      return span(age) + " old";
    }

    /**
     * True if the age of {@code time} prints as exactly {@code days} days: at the limit, or beyond
     * it by less than a second, where "beyond" would not look true.
     */
    static boolean printsAsExactly(LocalDateTime time, LocalDateTime now, int days) {
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
}
