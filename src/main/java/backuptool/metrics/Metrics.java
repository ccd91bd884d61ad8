package backuptool.metrics;

import backuptool.metrics.Sample.Series;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The metrics file after a run: the series of the file before it, with those this run owns
 * replaced. A run owns, for each pair it ran, the series of its verb (last run, exit code,
 * duration, bytes sent, and last success when it succeeded) and the pair's state as far as it knows
 * it; everything else (other pairs, other verbs, what it does not know) is kept as it was.
 */
public final class Metrics {
  static final String PREFIX = "backup_tool_";

  private Metrics() {}

  /** The gauges this version writes, in the file's order. */
  enum Gauge {
    LAST_RUN(
        "last_run_timestamp_seconds",
        true,
        "When the last run of this verb for this pair ended, in seconds since the epoch (dry runs"
            + " do not count)."),
    LAST_SUCCESS(
        "last_success_timestamp_seconds",
        true,
        "When the last run of this verb for this pair that succeeded (exit code 0) ended, in"
            + " seconds since the epoch."),
    LAST_EXIT_CODE(
        "last_exit_code",
        true,
        "Exit code of the last run of this verb, as far as this pair goes: 0 success, 1 failed,"
            + " 129, 130, 143 stopped by a signal; for verb check the plugin state (0 OK, 1"
            + " WARNING, 2 CRITICAL, 3 UNKNOWN)."),
    LAST_RUN_DURATION(
        "last_run_duration_seconds",
        true,
        "How long the last run of this verb took, all of its pairs together."),
    LAST_RUN_SENT_BYTES(
        "last_run_sent_bytes",
        true,
        "Bytes the send streams of the last backup run of this pair moved."),
    SNAPSHOTS(
        "snapshots", false, "Snapshots of this pair in its snapshot directory, when last counted."),
    BACKUPS("backups", false, "Backups of this pair in its target directory, when last counted."),
    NEWEST_SNAPSHOT(
        "newest_snapshot_timestamp_seconds",
        false,
        "The time in the name of this pair's newest snapshot, in seconds since the epoch."),
    NEWEST_BACKUP(
        "newest_backup_timestamp_seconds",
        false,
        "The time in the name of this pair's newest backup, in seconds since the epoch.");

    final String name;
    final boolean perVerb;
    final String help;

    Gauge(String suffix, boolean perVerb, String help) {
      this.name = PREFIX + suffix;
      this.perVerb = perVerb;
      this.help = help;
    }

    Set<String> labels() {
      return perVerb ? Set.of("pair", "verb") : Set.of("pair");
    }

    static Optional<Gauge> named(String name) {
      for (Gauge g : values()) {
        if (g.name.equals(name)) {
          return Optional.of(g);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * The new file's text, and a warning for each part of the old one that was dropped; or, when the
   * old file holds no metric of this tool at all (another program's file, say), a refusal.
   */
  public record Update(Optional<String> text, List<String> warnings) {
    public Update {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The file after {@code ran}, from the file's text before it ({@code ""} when there was none).
   */
  public static Update update(String previous, Ran ran) {
    if (!previous.isBlank() && !mentionsOurs(previous)) {
      return new Update(
          Optional.empty(),
          List.of(
              "it holds no "
                  + PREFIX
                  + " metric: not a file this tool wrote, so it is not replaced; remove it, or"
                  + " set metrics_file to another file"));
    }
    TextFormat.Parsed parsed = TextFormat.parse(previous);
    List<String> warnings = new ArrayList<>();
    parsed.problems().forEach(p -> warnings.add(p + ": dropped"));
    Map<Series, Sample> series = new LinkedHashMap<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (Sample s : parsed.samples()) {
      Optional<Gauge> gauge = Gauge.named(s.name());
      if (gauge.isEmpty()) {
        unknown.add(s.name());
      } else if (!s.labels().keySet().equals(gauge.get().labels())) {
        warnings.add(
            TextFormat.line(s)
                + ": labels "
                + s.labels().keySet()
                + " where "
                + gauge.get().labels()
                + " belong: dropped");
      } else if (series.putIfAbsent(s.series(), s) != null) {
        warnings.add(TextFormat.line(s) + ": a second sample of the same series: dropped");
      }
    }
    unknown.forEach(n -> warnings.add(n + ": not a metric this version writes: dropped"));
    for (PairRun p : ran.pairs()) {
      // Seconds, counts and bytes are far below 2^53, where a double holds every whole number.
      replace(series, Gauge.LAST_RUN, p, ran, (double) ran.ended().getEpochSecond());
      replace(series, Gauge.LAST_EXIT_CODE, p, ran, p.exitCode());
      replace(series, Gauge.LAST_RUN_DURATION, p, ran, ran.duration().toMillis() / 1000.0);
      if (p.exitCode() == 0) {
        replace(series, Gauge.LAST_SUCCESS, p, ran, (double) ran.ended().getEpochSecond());
      }
      p.sentBytes().ifPresent(b -> replace(series, Gauge.LAST_RUN_SENT_BYTES, p, ran, (double) b));
      PairState state = p.state();
      state.snapshots().ifPresent(n -> replace(series, Gauge.SNAPSHOTS, p, ran, n));
      state.backups().ifPresent(n -> replace(series, Gauge.BACKUPS, p, ran, n));
      state
          .newestSnapshot()
          .ifPresent(
              t -> replace(series, Gauge.NEWEST_SNAPSHOT, p, ran, (double) t.getEpochSecond()));
      state
          .newestBackup()
          .ifPresent(
              t -> replace(series, Gauge.NEWEST_BACKUP, p, ran, (double) t.getEpochSecond()));
    }
    List<TextFormat.Family> families = new ArrayList<>();
    for (Gauge g : Gauge.values()) {
      List<Sample> samples =
          series.values().stream()
              .filter(s -> s.name().equals(g.name))
              .sorted(Comparator.comparing(s -> List.copyOf(s.labels().values()), Metrics::compare))
              .toList();
      if (!samples.isEmpty()) {
        families.add(new TextFormat.Family(g.name, g.help, "gauge", samples));
      }
    }
    return new Update(Optional.of(TextFormat.render(families)), warnings);
  }

  private static void replace(
      Map<Series, Sample> series, Gauge gauge, PairRun pair, Ran ran, double value) {
    Map<String, String> labels =
        gauge.perVerb
            ? Map.of("pair", pair.pair(), "verb", ran.verb())
            : Map.of("pair", pair.pair());
    Sample s = new Sample(gauge.name, labels, value);
    series.put(s.series(), s);
  }

  /** Label values in label-name order, compared one by one. */
  private static int compare(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** Whether any line names a metric of this tool: a sample, or its HELP or TYPE. */
  private static boolean mentionsOurs(String text) {
    return text.lines()
        .map(String::strip)
        .anyMatch(
            l ->
                l.startsWith(PREFIX)
                    || l.startsWith("# HELP " + PREFIX)
                    || l.startsWith("# TYPE " + PREFIX));
  }
}
