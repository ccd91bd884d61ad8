package backuptool.plan;

import backuptool.model.Host;
import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.retention.RetentionRules;
import backuptool.retention.Verdict;
import backuptool.scan.PairScan;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Plans deletions by each side's retention, under safety rules no setting overrides: never the
 * newest snapshot or backup, never the common parent on either side, never a snapshot that is still
 * waiting to be sent. A snapshot not yet backed up waits only while the target's retention would
 * keep it once sent (see {@link TargetForecast}); otherwise the source's retention alone decides.
 */
public final class PurgePlanner {
  private PurgePlanner() {}

  public static Plan plan(List<PairScan> scans, LocalDateTime now) {
    List<PairPlan> pairs = new ArrayList<>();
    for (PairScan scan : scans) {
      List<String> problems = scan.problems();
      if (!problems.isEmpty()) {
        // Each side's safety rules need the other side: purge neither when one is unknown.
        pairs.add(PairPlan.failed(scan.pair(), problems));
        continue;
      }
      List<Step> steps = new ArrayList<>(Leftovers.cleanup(scan));
      sourceSide(scan, now, steps);
      targetSide(scan, now, steps);
      Leftovers.notes(scan, steps);
      pairs.add(new PairPlan(scan.pair(), List.of(), steps));
    }
    return new Plan(Verb.PURGE, now, pairs);
  }

  private static void sourceSide(PairScan scan, LocalDateTime now, List<Step> steps) {
    List<Snapshot> snaps = scan.source().snapshots();
    Optional<Snapshot> parent = scan.commonParent();
    TargetForecast forecast = new TargetForecast(scan, now);
    Function<Snapshot, Optional<String>> protection =
        s -> {
          if (s.equals(snaps.get(snaps.size() - 1))) {
            return Optional.of("newest snapshot");
          }
          if (parent.filter(s::equals).isPresent()) {
            return Optional.of("common parent, the next incremental backup is sent from it");
          }
          return TargetForecast.waiting(scan, s) && forecast.deletesAtOnce(s).isEmpty()
              ? Optional.of("not yet backed up, it is waiting to be sent")
              : Optional.empty();
        };
    Function<Snapshot, Optional<String>> note =
        s ->
            forecast
                .deletesAtOnce(s)
                .map(why -> "not backed up, but not waiting to be sent either: " + why);
    side(
        "snapshots in " + scan.pair().sourceLocation(),
        scan.pair().sourceHost(),
        snaps,
        scan.pair().sourceRetention(),
        now,
        protection,
        note,
        steps);
  }

  private static void targetSide(PairScan scan, LocalDateTime now, List<Step> steps) {
    List<Snapshot> backups = scan.backups();
    Optional<Snapshot> parentBackup = scan.commonParent().flatMap(scan::backupOf);
    Function<Snapshot, Optional<String>> protection =
        b -> {
          if (b.equals(backups.get(backups.size() - 1))) {
            return Optional.of("newest backup");
          }
          if (parentBackup.filter(b::equals).isPresent()) {
            return Optional.of("backup of the common parent, the next incremental backup needs it");
          }
          return Optional.empty();
        };
    side(
        "backups in " + scan.pair().targetLocation(),
        scan.pair().targetHost(),
        backups,
        scan.pair().targetRetention(),
        now,
        protection,
        b -> Optional.empty(),
        steps);
  }

  /**
   * One side's verdicts: retention decides unless {@code protection} names a safety rule that keeps
   * the snapshot; {@code note} adds what the reader needs to know besides retention's reason.
   */
  private static void side(
      String what,
      Host host,
      List<Snapshot> oldestFirst,
      Retention retention,
      LocalDateTime now,
      Function<Snapshot, Optional<String>> protection,
      Function<Snapshot, Optional<String>> note,
      List<Step> steps) {
    steps.add(new Step.Heading(what + " (" + retention + "):"));
    if (oldestFirst.isEmpty()) {
      steps.add(Step.Decision.shown("ok", "", "none, nothing to purge"));
      return;
    }
    for (Verdict v : RetentionRules.decide(oldestFirst, retention, now)) {
      String name = v.snapshot().name().text();
      Optional<String> guard = protection.apply(v.snapshot());
      String reason = v.reason() + note.apply(v.snapshot()).map(n -> "; " + n).orElse("");
      if (v.keep()) {
        steps.add(Step.Decision.shown("keep", name, reason));
      } else if (guard.isPresent()) {
        steps.add(
            Step.Decision.shown(
                "keep",
                name,
                guard.get() + " (retention alone would delete it: " + v.reason() + ")"));
      } else {
        steps.add(new Step.Delete(host, v.snapshot().path(), reason));
      }
    }
  }
}
