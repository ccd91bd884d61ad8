package backuptool.plan;

import backuptool.model.Snapshot;
import backuptool.scan.Ignored;
import backuptool.scan.PairScan;
import backuptool.scan.SideScan;
import java.util.List;

/**
 * The entries of a pair's directories that the tool leaves alone, as decisions: incomplete receives
 * and mismatched names always, everything else only with -v.
 */
final class Leftovers {
  private Leftovers() {}

  static void add(PairScan scan, List<Step> steps) {
    addIgnored(scan.source(), steps);
    for (Snapshot m : scan.mismatched()) {
      steps.add(
          Step.Decision.shown(
              "leave",
              m.path().toString(),
              "named like a source snapshot but received from another subvolume: not its backup, never used as a parent"));
    }
    addIgnored(scan.target(), steps);
  }

  private static void addIgnored(SideScan side, List<Step> steps) {
    for (Ignored i : side.ignored()) {
      String subject = side.dir().resolve(i.name()).toString();
      steps.add(
          i.incomplete()
              ? Step.Decision.shown("leave", subject, i.why() + "; not counted as a backup")
              : Step.Decision.verbose("ignore", subject, i.why()));
    }
  }
}
