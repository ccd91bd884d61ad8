package backuptool.plan;

import backuptool.model.Snapshot;
import backuptool.scan.Ignored;
import backuptool.scan.PairScan;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans the sends that bring each target up to date: the snapshots newer than the target's newest
 * backup that its retention would keep once they are there (and always the newest), oldest first,
 * each incremental from the one sent before it.
 */
public final class BackupPlanner {
  private static final String NAME_TAKEN =
      "it is left alone, and this snapshot cannot be received under a name that is taken";

  private BackupPlanner() {}

  public static Plan plan(List<PairScan> scans, LocalDateTime now) {
    List<PairPlan> pairs = new ArrayList<>();
    for (PairScan scan : scans) {
      pairs.add(planPair(scan, now));
    }
    return new Plan(Verb.BACKUP, now, pairs);
  }

  private static PairPlan planPair(PairScan scan, LocalDateTime now) {
    List<String> problems = scan.problems();
    if (!problems.isEmpty()) {
      return PairPlan.failed(scan.pair(), problems);
    }
    List<Step> steps = new ArrayList<>(Leftovers.cleanup(scan));
    Optional<Snapshot> newestBackup = scan.newestBackup();
    Set<String> taken = scan.target().takenNames();
    Optional<Snapshot> parent = scan.commonParent();
    TargetForecast forecast = new TargetForecast(scan, now);
    boolean parentJustSent = false;
    int sends = 0;
    for (Snapshot s : scan.source().snapshots()) {
      Optional<Snapshot> backup = scan.backupOf(s);
      Optional<String> deletedAtOnce = forecast.deletesAtOnce(s);
      if (backup.isPresent()) {
        steps.add(
            Step.Decision.verbose(
                "ok",
                s.name().text(),
                "already backed up as " + scan.pair().targetHost().show(backup.get().path())));
      } else if (scan.olderThanNewestBackup(s)) {
        steps.add(
            Step.Decision.shown(
                "skip",
                s.name().text(),
                "older than the newest backup "
                    + newestBackup.get().name()
                    + " on the target, so it cannot join the incremental chain"));
      } else if (taken.contains(s.name().text())) {
        steps.add(Step.Decision.shown("skip", s.name().text(), collision(scan, s)));
      } else if (deletedAtOnce.isPresent()) {
        steps.add(Step.Decision.shown("skip", s.name().text(), "not sent: " + deletedAtOnce.get()));
      } else {
        String reason =
            parent.isEmpty()
                ? "full send, the target has no backup of an earlier snapshot"
                : "incremental from "
                    + parent.get().name()
                    + (parentJustSent ? ", sent just before" : ", whose backup is on the target");
        steps.add(
            new Step.Send(
                scan.pair().sourceHost(),
                s.path(),
                parent.map(Snapshot::path),
                scan.pair().targetHost(),
                scan.pair().target(),
                reason));
        parent = Optional.of(s);
        parentJustSent = true;
        sends++;
      }
    }
    if (sends == 0) {
      steps.add(Step.Decision.shown("ok", "", upToDate(scan)));
    }
    Leftovers.notes(scan, steps);
    return new PairPlan(scan.pair(), List.of(), steps);
  }

  private static String upToDate(PairScan scan) {
    List<Snapshot> snaps = scan.source().snapshots();
    if (snaps.isEmpty()) {
      return "nothing to send, " + scan.pair().sourceLocation() + " holds no snapshots";
    }
    Snapshot newest = snaps.get(snaps.size() - 1);
    return scan.backupOf(newest).isPresent()
        ? "nothing to send, the newest snapshot " + newest.name() + " is already backed up"
        : "nothing to send, for the reasons above";
  }

  /**
   * Why a snapshot whose name is taken on the target is not sent. That entry may be someone's
   * backup, so the words never suggest removing it: what to do about it is for a person to decide.
   */
  private static String collision(PairScan scan, Snapshot s) {
    String name = s.name().text();
    Optional<Snapshot> mismatch =
        scan.mismatched().stream().filter(m -> m.name().text().equals(name)).findFirst();
    if (mismatch.isPresent()) {
      return "the target's "
          + name
          + " was received from "
          + mismatch.get().subvolume().receivedUuid().orElse("?")
          + ", not from this snapshot ("
          + s.subvolume().identity()
          + "): it is not a backup of it; "
          + NAME_TAKEN;
    }
    Ignored other =
        scan.target().ignored().stream()
            .filter(i -> i.name().equals(name))
            .findFirst()
            .orElseThrow();
    return "the target already has an entry of that name: "
        + other.why()
        + (other.kind() == Ignored.Kind.INCOMPLETE ? "" : "; " + NAME_TAKEN);
  }
}
