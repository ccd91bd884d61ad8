package backuptool.metrics;

import backuptool.exec.OperationResult;
import backuptool.exec.Outcome;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.plan.PairPlan;
import backuptool.plan.Plan;
import backuptool.plan.Step;
import backuptool.plan.Verb;
import backuptool.scan.PairScan;
import backuptool.status.PairStatus;
import backuptool.status.Side;
import backuptool.status.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Each pair's part of a run, from the values the run already has: the plan, its outcome and the
 * scans it was planned from, or the status that --status and --check report. Nothing is scanned
 * again: a pair's state after a planning run is its scan with the operations that were done applied
 * to it. Snapshot names are local times, read in {@code zone}.
 */
public final class PairRuns {
  private PairRuns() {}

  /**
   * The pairs of an executed {@code plan}. {@code scans}: those the plan was made from (none for
   * --snapshot, which lists no directory, so only the snapshot it made is known). {@code
   * signalExit}: the exit code of the signal that stopped the run, if one did.
   */
  public static List<PairRun> ofPlan(
      Plan plan, Outcome outcome, List<PairScan> scans, OptionalInt signalExit, ZoneId zone) {
    Map<String, PairScan> scanOf = new HashMap<>();
    scans.forEach(s -> scanOf.put(s.pair().name(), s));
    List<PairRun> runs = new ArrayList<>();
    for (PairPlan pairPlan : plan.pairs()) {
      String name = pairPlan.pair().name();
      List<OperationResult> results =
          outcome.results().stream().filter(r -> r.pair().equals(name)).toList();
      boolean allDone = results.stream().allMatch(r -> r.status() == OperationResult.Status.DONE);
      int exit =
          signalExit.isPresent() && !allDone
              ? signalExit.getAsInt()
              : outcome.failedPairs().contains(name) ? 1 : 0;
      OptionalLong sent =
          plan.verb() == Verb.BACKUP
              ? OptionalLong.of(
                  results.stream()
                      .flatMap(r -> r.transfer().stream())
                      .mapToLong(t -> t.bytes())
                      .sum())
              : OptionalLong.empty();
      PairScan scan = scanOf.get(name);
      runs.add(new PairRun(name, exit, sent, stateAfter(scan, results, zone)));
    }
    return runs;
  }

  /**
   * The pairs of a --status or --check run, each with {@code exitCode}. A pair that another run
   * holds ({@code busy}) is changing while it is scanned, and that run writes its state when it
   * ends; so only its run series are written.
   */
  public static List<PairRun> ofStatus(
      Status status, Set<String> busy, ToIntFunction<PairStatus> exitCode, ZoneId zone) {
    List<PairRun> runs = new ArrayList<>();
    for (PairStatus p : status.pairs()) {
      String name = p.pair().name();
      PairState state =
          busy.contains(name)
              ? PairState.UNKNOWN
              : new PairState(
                  count(p.source()),
                  count(p.target()),
                  newest(p.source(), zone),
                  newest(p.target(), zone));
      runs.add(new PairRun(name, exitCode.applyAsInt(p), OptionalLong.empty(), state));
    }
    return runs;
  }

  private static OptionalInt count(Side side) {
    return side.problem().isPresent()
        ? OptionalInt.empty()
        : OptionalInt.of(side.snapshots().size());
  }

  private static Optional<Instant> newest(Side side, ZoneId zone) {
    return side.problem().isPresent()
        ? Optional.empty()
        : side.newest().map(s -> instant(s.name().time(), zone));
  }

  /**
   * The pair after its operations that were done: created snapshots and received backups added,
   * deleted ones taken away; a side the scan could not read stays unknown. Without a scan, only a
   * snapshot this run made is known.
   */
  private static PairState stateAfter(PairScan scan, List<OperationResult> results, ZoneId zone) {
    Map<String, LocalDateTime> snapshots = null;
    Map<String, LocalDateTime> backups = null;
    Path sourceDir = null;
    Path targetDir = null;
    if (scan != null && scan.source().problem().isEmpty()) {
      snapshots = times(scan.source().snapshots());
      sourceDir = scan.source().dir();
    }
    if (scan != null && scan.target().problem().isEmpty()) {
      backups = times(scan.backups());
      targetDir = scan.target().dir();
    }
    Optional<Instant> made = Optional.empty();
    for (OperationResult r : results) {
      if (r.status() != OperationResult.Status.DONE) {
        continue;
      }
      Step.Operation op = r.operation();
      if (op instanceof Step.CreateSnapshot c) {
        Optional<SnapshotName> name = name(c.destination());
        made = name.map(n -> instant(n.time(), zone));
        if (snapshots != null && name.isPresent()) {
          snapshots.put(name.get().text(), name.get().time());
        }
      } else if (op instanceof Step.Send s && backups != null) {
        Optional<SnapshotName> name = name(s.snapshot());
        if (name.isPresent()) {
          backups.put(name.get().text(), name.get().time());
        }
      } else if (op instanceof Step.Delete d) {
        Path dir = d.subvolume().getParent();
        String entry = d.subvolume().getFileName().toString();
        // A directory is a path on a host: the same path may be either side on another machine.
        if (snapshots != null
            && dir.equals(sourceDir)
            && d.host().equals(scan.pair().sourceHost())) {
          snapshots.remove(entry);
        } else if (backups != null
            && dir.equals(targetDir)
            && d.host().equals(scan.pair().targetHost())) {
          backups.remove(entry);
        }
      }
      // RemoveIncomplete: an incomplete receive never counted as a backup.
    }
    return new PairState(
        snapshots == null ? OptionalInt.empty() : OptionalInt.of(snapshots.size()),
        backups == null ? OptionalInt.empty() : OptionalInt.of(backups.size()),
        snapshots == null ? made : newest(snapshots, zone),
        backups == null ? Optional.empty() : newest(backups, zone));
  }

  private static Map<String, LocalDateTime> times(List<Snapshot> snapshots) {
    Map<String, LocalDateTime> times = new HashMap<>();
    snapshots.forEach(s -> times.put(s.name().text(), s.name().time()));
    return times;
  }

  private static Optional<Instant> newest(Map<String, LocalDateTime> times, ZoneId zone) {
    return times.values().stream().max(LocalDateTime::compareTo).map(t -> instant(t, zone));
  }

  private static Optional<SnapshotName> name(Path path) {
    return SnapshotName.parse(path.getFileName().toString());
  }

  private static Instant instant(LocalDateTime time, ZoneId zone) {
    return time.atZone(zone).toInstant();
  }
}
