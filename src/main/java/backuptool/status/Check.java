package backuptool.status;

import backuptool.model.Ages;
import backuptool.model.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * --check: the monitoring-plugin verdict (Nagios, Icinga, sanoid's --monitor-snapshots) on the age
 * of each pair's newest backup and newest snapshot, as one line with performance data.
 */
public final class Check {
  private Check() {}

  /** The plugin states; the higher exit code is the worse state, by the plugin convention. */
  public enum State {
    OK(0),
    WARNING(1),
    CRITICAL(2),
    UNKNOWN(3);

    private final int exitCode;

    State(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }

    State worse(State other) {
      return other.exitCode > exitCode ? other : this;
    }
  }

  /**
   * One pair's verdict: its state and why, the ages of its newest backup and snapshot (empty when
   * there is none or a side could not be read), the limits that applied, and the counts.
   */
  public record PairCheck(
      String pair,
      State state,
      String text,
      Optional<Duration> backupAge,
      Optional<Duration> snapshotAge,
      Duration warn,
      Duration critical,
      int backups,
      int snapshots) {}

  /** The worst state of all pairs, and each pair's verdict. */
  public record Result(State state, List<PairCheck> pairs) {
    public Result {
      pairs = List.copyOf(pairs);
    }

    /** The line a plugin prints: "BACKUP-TOOL WARNING - root: ...; home: ... | perfdata". */
    public String line() {
      List<String> shown = new ArrayList<>();
      List<String> perf = new ArrayList<>();
      for (PairCheck p : pairs) {
        if (state == State.OK || p.state() != State.OK) {
          shown.add(p.pair() + ": " + p.text());
        }
        if (p.backupAge().isPresent() || p.snapshotAge().isPresent()) {
          perf.add(perf(p.pair() + "_backup_age", p.backupAge(), p));
          perf.add(perf(p.pair() + "_snapshot_age", p.snapshotAge(), p));
          perf.add(p.pair() + "_backups=" + p.backups() + ";;;0");
          perf.add(p.pair() + "_snapshots=" + p.snapshots() + ";;;0");
        }
      }
      return "BACKUP-TOOL "
          + state
          + " - "
          + String.join("; ", shown)
          + (perf.isEmpty() ? "" : " | " + String.join(" ", perf));
    }
  }

  /**
   * {@code warn} and {@code critical}: the command line's limits, else each pair's {@code
   * stale_after_hours} and twice that.
   */
  public static Result of(Status status, Optional<Duration> warn, Optional<Duration> critical) {
    State worst = State.OK;
    List<PairCheck> checks = new ArrayList<>();
    for (PairStatus p : status.pairs()) {
      Duration w = warn.orElse(p.pair().staleAfter());
      Duration c = critical.orElse(w.multipliedBy(2));
      if (w.compareTo(c) > 0) {
        w = c; // only --crit was given, below the pair's own limit: warn no later than critical
      }
      PairCheck check = pair(p, w, c, status);
      worst = worst.worse(check.state());
      checks.add(check);
    }
    return new Result(worst, checks);
  }

  private static PairCheck pair(PairStatus p, Duration warn, Duration critical, Status status) {
    String name = p.pair().name();
    int backups = p.target().snapshots().size();
    int snapshots = p.source().snapshots().size();
    Optional<String> unreadable = p.source().problem().or(() -> p.target().problem());
    if (unreadable.isPresent()) {
      return new PairCheck(
          name,
          State.CRITICAL,
          unreadable.get(),
          Optional.empty(),
          Optional.empty(),
          warn,
          critical,
          backups,
          snapshots);
    }
    Judged backup = judge("backup", p.target().newest(), warn, critical, status);
    Judged snapshot = judge("snapshot", p.source().newest(), warn, critical, status);
    State state = backup.state.worse(snapshot.state);
    List<String> why = new ArrayList<>();
    for (Judged j : List.of(backup, snapshot)) {
      if (j.state != State.OK) {
        why.add(j.text);
      }
    }
    String text = state == State.OK ? backup.text : String.join(", ", why);
    return new PairCheck(
        name, state, text, backup.age, snapshot.age, warn, critical, backups, snapshots);
  }

  /** One newest entry's state, its words, and its age (empty when there is none). */
  private record Judged(State state, String text, Optional<Duration> age) {}

  private static Judged judge(
      String what, Optional<Snapshot> newest, Duration warn, Duration critical, Status status) {
    if (newest.isEmpty()) {
      return new Judged(State.CRITICAL, "no " + what + " yet", Optional.empty());
    }
    Duration age = Status.age(newest.get(), status.now());
    String words = Ages.describe(newest.get().name().time(), status.now());
    State state =
        age.compareTo(critical) > 0
            ? State.CRITICAL
            : age.compareTo(warn) > 0 ? State.WARNING : State.OK;
    String limit =
        switch (state) {
          case CRITICAL -> " (beyond the critical limit of " + Status.hours(critical) + ")";
          case WARNING -> " (beyond the warning limit of " + Status.hours(warn) + ")";
          case OK, UNKNOWN -> "";
        };
    return new Judged(state, "newest " + what + " " + words + limit, Optional.of(age));
  }

  /** 'label'=VALUEs;WARN;CRIT;0 in seconds; an absent value is "U", the convention for unknown. */
  private static String perf(String label, Optional<Duration> age, PairCheck p) {
    return String.format(
        Locale.ROOT,
        "%s=%s;%d;%d;0",
        label,
        age.map(a -> a.toSeconds() + "s").orElse("U"),
        p.warn().toSeconds(),
        p.critical().toSeconds());
  }
}
