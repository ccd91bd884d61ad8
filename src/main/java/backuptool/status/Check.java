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

  /** The state, and the line a plugin prints: "BACKUP-TOOL WARNING - ... | perfdata". */
  public record Result(State state, String line) {}

  /**
   * {@code warn} and {@code critical}: the command line's limits, else each pair's {@code
   * stale_after_hours} and twice that.
   */
  public static Result of(Status status, Optional<Duration> warn, Optional<Duration> critical) {
    State worst = State.OK;
    List<String> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    List<String> perf = new ArrayList<>();
    for (PairStatus p : status.pairs()) {
      String name = p.pair().name();
      Duration w = warn.orElse(p.pair().staleAfter());
      Duration c = critical.orElse(w.multipliedBy(2));
      if (w.compareTo(c) > 0) {
        w = c; // only --crit was given, below the pair's own limit: warn no later than critical
      }
      Optional<String> unreadable = p.source().problem().or(() -> p.target().problem());
      if (unreadable.isPresent()) {
        worst = worst.worse(State.CRITICAL);
        problems.add(name + ": " + unreadable.get());
        continue;
      }
      Judged backup = judge("backup", p.target().newest(), w, c, status);
      Judged snapshot = judge("snapshot", p.source().newest(), w, c, status);
      State state = backup.state.worse(snapshot.state);
      worst = worst.worse(state);
      if (state == State.OK) {
        fine.add(name + ": " + backup.text);
      } else {
        List<String> why = new ArrayList<>();
        for (Judged j : List.of(backup, snapshot)) {
          if (j.state != State.OK) {
            why.add(j.text);
          }
        }
        problems.add(name + ": " + String.join(", ", why));
      }
      perf.add(perf(name + "_backup_age", backup.age, w, c));
      perf.add(perf(name + "_snapshot_age", snapshot.age, w, c));
      perf.add(name + "_backups=" + p.target().snapshots().size() + ";;;0");
      perf.add(name + "_snapshots=" + p.source().snapshots().size() + ";;;0");
    }
    String summary = problems.isEmpty() ? String.join("; ", fine) : String.join("; ", problems);
    String line =
        "BACKUP-TOOL "
            + worst
            + " - "
            + summary
            + (perf.isEmpty() ? "" : " | " + String.join(" ", perf));
    return new Result(worst, line);
  }

  /** One newest entry's state, its words, and its age in seconds (empty when there is none). */
  private record Judged(State state, String text, Optional<Long> age) {}

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
    return new Judged(state, "newest " + what + " " + words + limit, Optional.of(age.toSeconds()));
  }

  /** 'label'=VALUEs;WARN;CRIT;0 in seconds; an absent value is "U", the convention for unknown. */
  private static String perf(String label, Optional<Long> seconds, Duration warn, Duration crit) {
    return String.format(
        Locale.ROOT,
        "%s=%s;%d;%d;0",
        label,
        seconds.map(s -> s + "s").orElse("U"),
        warn.toSeconds(),
        crit.toSeconds());
  }
}
