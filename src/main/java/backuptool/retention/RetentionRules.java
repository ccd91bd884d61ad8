package backuptool.retention;

import backuptool.model.Ages;
import backuptool.model.Retention;
import backuptool.model.Snapshot;
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
}
