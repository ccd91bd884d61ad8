package backuptool.plan;

import backuptool.model.Host;
import backuptool.model.Snapshot;
import backuptool.scan.Ignored;
import backuptool.scan.PairScan;
import backuptool.scan.SideScan;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a pair's directories that are neither snapshots nor backups. Incomplete receives
 * left by an interrupted run of this tool are removed first; incomplete receives of unknown origin
 * and mismatched names are always shown and left alone; everything else is shown with -v.
 */
final class Leftovers {
  private Leftovers() {}

  /** Removals of what interrupted runs left on the target: they come before any send. */
  static List<Step> cleanup(PairScan scan) {
    List<Step> steps = new ArrayList<>();
    for (Ignored i : scan.target().ignored()) {
      if (i.kind() == Ignored.Kind.LEFT_BY_INTERRUPTED_RUN) {
        steps.add(
            new Step.RemoveIncomplete(
                scan.pair().targetHost(), scan.target().dir().resolve(i.name()), i.why()));
      }
    }
    return steps;
  }

  /** What is left alone, and why. */
  static void notes(PairScan scan, List<Step> steps) {
    addIgnored(scan.source(), scan.pair().sourceHost(), steps);
    for (Snapshot m : scan.mismatched()) {
      steps.add(
          Step.Decision.shown(
              "leave",
              scan.pair().targetHost().show(m.path()),
              "named like a source snapshot but received from another subvolume: not its backup, never used as a parent"));
    }
    addIgnored(scan.target(), scan.pair().targetHost(), steps);
  }

  private static void addIgnored(SideScan side, Host host, List<Step> steps) {
    for (Ignored i : side.ignored()) {
      String subject = host.show(side.dir().resolve(i.name()));
      switch (i.kind()) {
        case INCOMPLETE -> steps.add(Step.Decision.shown("leave", subject, i.why()));
        case OTHER -> steps.add(Step.Decision.verbose("ignore", subject, i.why()));
        case LEFT_BY_INTERRUPTED_RUN -> {} // removed by cleanup()
      }
    }
  }
}
