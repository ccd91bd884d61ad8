package backuptool.status;

import backuptool.model.Ages;
import backuptool.model.Host;
import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.scan.Ignored;
import backuptool.scan.PairScan;
import backuptool.scan.SideScan;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/** The state of the selected pairs at {@code now}, as --status and --check report it. */
public record Status(LocalDateTime now, List<PairStatus> pairs) {
  public Status {
    pairs = List.copyOf(pairs);
  }

  public static Status of(List<PairScan> scans, LocalDateTime now) {
    return new Status(now, scans.stream().map(s -> pair(s, now)).toList());
  }

  /** A snapshot's age at {@code now}, by the time in its name, as every rule counts it. */
  public static Duration age(Snapshot s, LocalDateTime now) {
    return Duration.between(s.name().time(), now);
  }

  private static PairStatus pair(PairScan scan, LocalDateTime now) {
    Side source =
        side(
            scan.source(),
            scan.pair().sourceHost(),
            scan.pair().sourceRetention(),
            scan.source().snapshots());
    Side target =
        side(
            scan.target(), scan.pair().targetHost(), scan.pair().targetRetention(), scan.backups());
    List<Snapshot> unsent =
        scan.problems().isEmpty() ? unsent(scan) : List.of(); // unknown when a side is unknown

    Optional<Snapshot> parent = scan.commonParent();
    String parentNote =
        parent
            .map(p -> "the next backup is incremental from " + p.name())
            .orElseGet(() -> noParent(source, target));
    return new PairStatus(
        scan.pair(),
        source,
        target,
        parent,
        parentNote,
        unsent,
        health(scan, source, target, parent, now));
  }

  /** The snapshots newer than the newest backup that have none: the next backup's to send. */
  private static List<Snapshot> unsent(PairScan scan) {
    return scan.source().snapshots().stream()
        .filter(s -> scan.backupOf(s).isEmpty() && !scan.olderThanNewestBackup(s))
        .toList();
  }

  /**
   * A side as scanned, with {@code snapshots}: on the target only the pair's backups count, not
   * entries that merely look like them.
   */
  private static Side side(
      SideScan scan, Host host, Retention retention, List<Snapshot> snapshots) {
    List<Ignored> incomplete =
        scan.ignored().stream().filter(i -> i.kind() != Ignored.Kind.OTHER).toList();
    return new Side(host.show(scan.dir()), scan.problem(), snapshots, incomplete, retention);
  }

  private static String noParent(Side source, Side target) {
    if (source.problem().isPresent() || target.problem().isPresent()) {
      return "unknown: a side could not be read";
    }
    if (target.snapshots().isEmpty()) {
      return "none: the target has no backup yet, so the next backup is a full send";
    }
    if (source.snapshots().isEmpty()) {
      return "none: the source has no snapshot, so the next backup is a full send";
    }
    return "none: no snapshot in the source has a backup on the target, so the next backup is a"
        + " full send";
  }

  /** The worst verdict that applies: unreachable, broken, stale, else ok. */
  private static Health health(
      PairScan scan, Side source, Side target, Optional<Snapshot> parent, LocalDateTime now) {
    Optional<String> problem = source.problem().or(() -> target.problem());
    if (problem.isPresent()) {
      return new Health(Health.Verdict.UNREACHABLE, problem.get());
    }
    if (source.snapshots().isEmpty()) {
      return new Health(Health.Verdict.STALE, "no snapshot yet in " + source.dir());
    }
    if (target.snapshots().isEmpty()) {
      return new Health(
          Health.Verdict.STALE,
          "no backup yet in " + target.dir() + ", the next one is a full send");
    }
    if (parent.isEmpty()) {
      return new Health(
          Health.Verdict.BROKEN,
          "no common parent, next backup is a full send (no snapshot in "
              + source.dir()
              + " has its backup in "
              + target.dir()
              + ")");
    }
    Duration limit = scan.pair().staleAfter();
    Snapshot newestBackup = target.newest().orElseThrow();
    Snapshot newestSnapshot = source.newest().orElseThrow();
    String backupAge = Ages.describe(newestBackup.name().time(), now);
    if (age(newestBackup, now).compareTo(limit) > 0) {
      return new Health(
          Health.Verdict.STALE,
          "newest backup " + backupAge + ", beyond " + hours(limit) + " (" + newestBackup + ")");
    }
    if (age(newestSnapshot, now).compareTo(limit) > 0) {
      return new Health(
          Health.Verdict.STALE,
          "newest snapshot "
              + Ages.describe(newestSnapshot.name().time(), now)
              + ", beyond "
              + hours(limit)
              + " ("
              + newestSnapshot
              + ")");
    }
    return new Health(Health.Verdict.OK, "newest backup " + backupAge);
  }

  static String hours(Duration d) {
    long h = d.toHours();
    return h == 1 ? "1 hour" : h + " hours";
  }
}
