package backuptool.plan;

import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.retention.RetentionRules;
import backuptool.retention.Verdict;
import backuptool.scan.PairScan;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the target's retention would do with the snapshots waiting to be sent once they are there:
 * its rule applied at {@code now} to the target's backups plus those snapshots. A snapshot that it
 * would delete at once is not sent, and not kept on the source for the backup's sake: sending it
 * would only make the target's purge delete it. Skipping it does not break the chain, since btrfs
 * send works from any parent that both sides have. The newest snapshot is always sent, so that the
 * chain advances and the next incremental backup starts from it; the target keeps its backup as the
 * common parent's.
 */
final class TargetForecast {
  private final Retention retention;
  private final Map<Snapshot, String> deletedAtOnce = new HashMap<>();

  TargetForecast(PairScan scan, LocalDateTime now) {
    retention = scan.pair().targetRetention();
    List<Snapshot> snapshots = scan.source().snapshots();
    Set<String> taken = scan.target().takenNames();
    List<Snapshot> arriving =
        snapshots.stream()
            .filter(s -> waiting(scan, s) && !taken.contains(s.name().text()))
            .toList();
    if (arriving.isEmpty()) {
      return; // nothing waits: the rule's verdicts on the backups alone would all be dropped
    }
    Set<Snapshot> isArriving = new HashSet<>(arriving);
    // The order they will have on the target, where they keep their names: the one order of
    // snapshots and backups (a name on the target is never taken twice, so generations, which
    // differ between the two filesystems, never decide).
    List<Snapshot> all = new ArrayList<>(scan.backups());
    all.addAll(arriving);
    all.sort(Snapshot.ORDER);
    Snapshot newest = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    for (Verdict v : RetentionRules.decide(all, retention, now)) {
      if (!v.keep() && isArriving.contains(v.snapshot()) && !v.snapshot().equals(newest)) {
        deletedAtOnce.put(v.snapshot(), v.reason());
      }
    }
  }

  /**
   * True if source snapshot {@code s} has no backup yet and can still join the incremental chain:
   * it is not older than the target's newest backup.
   */
  static boolean waiting(PairScan scan, Snapshot s) {
    return scan.backupOf(s).isEmpty() && !scan.olderThanNewestBackup(s);
  }

  /**
   * Why the target's retention would delete waiting snapshot {@code s} as soon as it arrived, or
   * empty if it would keep it (or {@code s} is not one that a backup can send).
   */
  Optional<String> deletesAtOnce(Snapshot s) {
    return Optional.ofNullable(deletedAtOnce.get(s))
        .map(
            reason ->
                "the target's retention ("
                    + retention
                    + ") would delete it at once ("
                    + reason
                    + ")");
  }
}
