package backuptool.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.PrometheusText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The metrics file's content: what a run replaces, what it keeps, and what it drops. */
class MetricsTest {
  private static final Instant T1 = Instant.parse("2026-11-22T03:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-23T03:00:00Z");

  private static double seconds(Instant t) {
    return (double) t.getEpochSecond();
  }

  private static PairRun pair(String name, int exit) {
    return new PairRun(
        name,
        exit,
        OptionalLong.of(1024),
        new PairState(
            OptionalInt.of(3),
            OptionalInt.of(2),
            Optional.of(T1.minusSeconds(3600)),
            Optional.of(T1.minusSeconds(7200))));
  }

  private static String write(String before, Ran ran) {
    Metrics.Update u = Metrics.update(before, ran);
    assertTrue(u.text().isPresent(), () -> "refused: " + u.warnings());
    return u.text().get();
  }

  @Test
  void aFirstRunWritesEverySeriesOfItsPairsInTheFormat() {
    String text =
        write("", new Ran("backup", T1, Duration.ofMillis(2500), List.of(pair("root", 0))));
    PrometheusText.Parsed p = PrometheusText.parse(text);
    String[] rv = {"pair", "root", "verb", "backup"};
    assertEquals(seconds(T1), p.value("backup_tool_last_run_timestamp_seconds", rv));
    assertEquals(seconds(T1), p.value("backup_tool_last_success_timestamp_seconds", rv));
    assertEquals(0.0, p.value("backup_tool_last_exit_code", rv));
    assertEquals(2.5, p.value("backup_tool_last_run_duration_seconds", rv));
    assertEquals(1024.0, p.value("backup_tool_last_run_sent_bytes", rv));
    assertEquals(3.0, p.value("backup_tool_snapshots", "pair", "root"));
    assertEquals(2.0, p.value("backup_tool_backups", "pair", "root"));
    assertEquals(
        seconds(T1) - 3600.0,
        p.value("backup_tool_newest_snapshot_timestamp_seconds", "pair", "root"));
    assertEquals(
        seconds(T1) - 7200.0,
        p.value("backup_tool_newest_backup_timestamp_seconds", "pair", "root"));
    assertEquals(9, p.values().size());
    p.types().values().forEach(t -> assertEquals("gauge", t));
    assertEquals(9, p.types().size());
  }

  @Test
  void aFailedRunUpdatesLastRunAndExitCodeButNotLastSuccess() {
    String first = write("", new Ran("backup", T1, Duration.ZERO, List.of(pair("root", 0))));
    String second = write(first, new Ran("backup", T2, Duration.ZERO, List.of(pair("root", 1))));
    PrometheusText.Parsed p = PrometheusText.parse(second);
    String[] rv = {"pair", "root", "verb", "backup"};
    assertEquals(seconds(T2), p.value("backup_tool_last_run_timestamp_seconds", rv));
    assertEquals(1.0, p.value("backup_tool_last_exit_code", rv));
    assertEquals(seconds(T1), p.value("backup_tool_last_success_timestamp_seconds", rv));
  }

  @Test
  void aFailedFirstRunHasNoLastSuccess() {
    String text = write("", new Ran("purge", T1, Duration.ZERO, List.of(pair("root", 1))));
    assertNull(
        PrometheusText.parse(text)
            .value("backup_tool_last_success_timestamp_seconds", "pair", "root", "verb", "purge"));
  }

  @Test
  void aRunKeepsTheSeriesOfOtherPairsAndVerbsAndWhatItDoesNotKnow() {
    String first =
        write("", new Ran("backup", T1, Duration.ZERO, List.of(pair("root", 0), pair("home", 0))));
    PairRun snapshotOfHome =
        new PairRun(
            "home",
            0,
            OptionalLong.empty(),
            new PairState(
                OptionalInt.empty(), OptionalInt.empty(), Optional.of(T2), Optional.empty()));
    String second = write(first, new Ran("snapshot", T2, Duration.ZERO, List.of(snapshotOfHome)));
    PrometheusText.Parsed before = PrometheusText.parse(first);
    PrometheusText.Parsed after = PrometheusText.parse(second);
    // Everything of the first run is still there, unchanged, but home's newest snapshot.
    before
        .values()
        .forEach(
            (series, value) -> {
              if (!series.name().equals("backup_tool_newest_snapshot_timestamp_seconds")
                  || !series.labels().get("pair").equals("home")) {
                assertEquals(value, after.values().get(series), series.toString());
              }
            });
    assertEquals(
        seconds(T2), after.value("backup_tool_newest_snapshot_timestamp_seconds", "pair", "home"));
    assertEquals(
        seconds(T2),
        after.value("backup_tool_last_run_timestamp_seconds", "pair", "home", "verb", "snapshot"));
    assertNull(after.value("backup_tool_last_run_sent_bytes", "pair", "home", "verb", "snapshot"));
    assertEquals(before.values().size() + 4, after.values().size());
  }

  @Test
  void labelValuesAreEscapedAndReadBack() {
    String odd = "a\\b\"c\nd";
    String text = write("", new Ran("status", T1, Duration.ZERO, List.of(pair(odd, 0))));
    assertTrue(text.contains("pair=\"a\\\\b\\\"c\\nd\""), text);
    assertEquals(
        0.0,
        PrometheusText.parse(text)
            .value("backup_tool_last_exit_code", "pair", odd, "verb", "status"));
    // And the tool reads its own escapes: a second run keeps the odd pair's series.
    String again = write(text, new Ran("status", T2, Duration.ZERO, List.of(pair("root", 0))));
    assertEquals(
        seconds(T1),
        PrometheusText.parse(again)
            .value("backup_tool_last_run_timestamp_seconds", "pair", odd, "verb", "status"));
  }

  @Test
  void linesThatDoNotParseAndForeignSeriesAreDroppedWithAWarningEach() {
    String first = write("", new Ran("backup", T1, Duration.ZERO, List.of(pair("root", 0))));
    String damaged =
        first
            + "backup_tool_last_exit_code{pair=\"home\",verb=\"backup\"} one\n"
            + "backup_tool_snapshots{pair=\"home\"} 1 1700000000000\n"
            + "backup_tool_backups{pair=\"home\",verb=\"x\"} 1\n"
            + "backup_tool_backups{pair=\"home\"} 4\n"
            + "backup_tool_backups{pair=\"home\"} 5\n"
            + "backup_tool_snapshots{pair=\"home\\x\"} 1\n"
            + "node_load1 0.5\n"
            + "# a comment is fine\n";
    Metrics.Update u =
        Metrics.update(damaged, new Ran("backup", T2, Duration.ZERO, List.of(pair("root", 0))));
    PrometheusText.Parsed p = PrometheusText.parse(u.text().orElseThrow());
    assertEquals(4.0, p.value("backup_tool_backups", "pair", "home"));
    assertNull(p.value("node_load1"));
    List<String> w = u.warnings();
    assertEquals(6, w.size(), w.toString());
    int n = first.split("\n").length; // the appended lines are n + 1, n + 2, ...
    assertEquals("line " + (n + 1) + ": 'one' is not a number: dropped", w.get(0));
    assertTrue(w.get(1).matches("line " + (n + 2) + ": .*timestamp.*: dropped"), w.get(1));
    assertTrue(
        w.get(2).matches("line " + (n + 6) + ": invalid escape sequence.*: dropped"), w.get(2));
    assertTrue(w.get(3).contains("labels [pair, verb] where [pair] belong: dropped"), w.get(3));
    assertTrue(w.get(4).contains("} 5: a second sample of the same series: dropped"), w.get(4));
    assertEquals("node_load1: not a metric this version writes: dropped", w.get(5));
  }

  @Test
  void aFileWithNoMetricOfTheToolIsNotReplaced() {
    Metrics.Update u =
        Metrics.update(
            "# /etc/fstab\nUUID=1234 / btrfs defaults 0 0\n",
            new Ran("backup", T1, Duration.ZERO, List.of(pair("root", 0))));
    assertTrue(u.text().isEmpty());
    assertTrue(u.warnings().get(0).contains("not a file this tool wrote"), u.warnings().get(0));
  }

  /** Whatever the old file holds, the new one is valid, and the run's own series are in it. */
  @Test
  void anyDamageToTheOldFileGivesAValidNewFileAndNeverAnException() {
    String good =
        write(
            "",
            new Ran(
                "backup", T1, Duration.ofMillis(1234), List.of(pair("root", 0), pair("home", 1))));
    String alphabet = "{}\"\\=, \t\n#abcz_:019.+-eEInfNa";
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      StringBuilder damaged = new StringBuilder(good);
      for (int k = random.nextInt(6); k >= 0; k--) {
        int at = random.nextInt(damaged.length());
        switch (random.nextInt(3)) {
          case 0 -> damaged.deleteCharAt(at);
          case 1 -> damaged.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> damaged.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      Metrics.Update u =
          Metrics.update(
              damaged.toString(), new Ran("purge", T2, Duration.ZERO, List.of(pair("root", 0))));
      if (u.text().isPresent()) {
        PrometheusText.Parsed p = PrometheusText.parse(u.text().get());
        assertEquals(
            seconds(T2),
            p.value("backup_tool_last_run_timestamp_seconds", "pair", "root", "verb", "purge"),
            damaged::toString);
      }
    }
  }

  @Test
  void theCheckerRefusesWhatTheFormatForbids() {
    for (String bad :
        List.of(
            "x{pair=\"a\"} 1 17\n", // a timestamp
            "1x 1\n",
            "x{pair=a} 1\n",
            "x{pair=\"a\\t\"} 1\n",
            "x{__name=\"a\"} 1\n",
            "x 1\ny 1\nx 2\n",
            "x 1\n# TYPE x gauge\n",
            "# TYPE x gauge\n# TYPE x gauge\nx 1\n",
            "x one\n",
            "x 1\nx 2\n",
            "x 1")) {
      assertThrows(PrometheusText.Invalid.class, () -> PrometheusText.parse(bad), bad);
    }
    PrometheusText.Parsed ok =
        PrometheusText.parse("# HELP x a \\\\ b\n# TYPE x gauge\nx{a=\"\\\"\",} +Inf\nx NaN\n");
    assertEquals(2, ok.values().size());
    assertEquals(Map.of("x", "gauge"), ok.types());
  }
}
