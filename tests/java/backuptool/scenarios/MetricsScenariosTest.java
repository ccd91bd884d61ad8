package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.PrometheusText;
import backuptool.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/** The node-exporter metrics file that runs write when metrics_file is set. */
class MetricsScenariosTest {
  @TempDir Path tmp;

  private static final String[] ROOT_BACKUP = {"pair", "root", "verb", "backup"};

  /** The standard machine, with metrics_file set to {@code file}. */
  private Scenario withMetrics(Path dir, Path file) {
    Scenario s = Scenario.standard(dir);
    s.config(
        "[global]\nmetrics_file = "
            + TestConfigs.quote(file.toString())
            + "\n\n"
            + Scenario.config(10, 30, 20, 90));
    return s;
  }

  private Path metricsDir() {
    return created(tmp.resolve("node-exporter"));
  }

  private static Path created(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String shown(Path file) {
    return "--- metrics file:\n" + (Files.exists(file) ? read(file) : "(none)\n");
  }

  @Test
  void everyVerbWritesItsSeriesAndThePairsStateAfterIt() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s =
        withMetrics(tmp, file)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    StringBuilder t = new StringBuilder();
    t.append(s.run("--snapshot", "--all")).append(shown(file)).append('\n');
    s.now = s.now.plusSeconds(600);
    t.append(s.run("--backup", "--pair", "root")).append(shown(file)).append('\n');
    s.now = s.now.plusSeconds(600);
    s.btrfs.failNext("receive", "ERROR: No space left on device");
    t.append(s.run("--backup", "--pair", "home")).append(shown(file)).append('\n');
    s.now = s.now.plusSeconds(600);
    t.append(s.run("--status", "--all", "-q"));
    t.append(s.run("--check", "--all")).append(shown(file));
    PrometheusText.parse(read(file)); // valid, or it throws with every rule it breaks
    Approvals.verify(t.toString());
  }

  @Test
  void aDryRunWritesNothing() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    s.run("--backup", "--all", "--dry-run");
    assertEquals(0, s.lastExit);
    assertFalse(Files.exists(file));
    s.run("--backup", "--all");
    String after = read(file);
    s.now = s.now.plusSeconds(3600);
    s.run("--purge", "--all", "--dry-run");
    assertEquals(after, read(file));
  }

  @Test
  void aFailedRunUpdatesLastRunAndExitCodeButNotLastSuccess() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    s.run("--backup", "--pair", "root");
    assertEquals(0, s.lastExit);
    long first = s.now.getEpochSecond();
    s.now = s.now.plusSeconds(3600);
    s.snapshot("root", "2026-11-22T12:30:00");
    s.btrfs.failNext("receive", "ERROR: No space left on device");
    s.run("--backup", "--pair", "root");
    assertEquals(1, s.lastExit);
    PrometheusText.Parsed p = PrometheusText.parse(read(file));
    assertEquals(
        (double) s.now.getEpochSecond(),
        p.value("backup_tool_last_run_timestamp_seconds", ROOT_BACKUP));
    assertEquals(1.0, p.value("backup_tool_last_exit_code", ROOT_BACKUP));
    assertEquals(
        (double) first, p.value("backup_tool_last_success_timestamp_seconds", ROOT_BACKUP));
    assertEquals(0.0, p.value("backup_tool_last_run_sent_bytes", ROOT_BACKUP));
  }

  @Test
  void aSecondRunForAnotherPairKeepsTheFirstPairsSeries() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s =
        withMetrics(tmp, file)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-20T10:00:00");
    s.run("--backup", "--pair", "root");
    PrometheusText.Parsed first = PrometheusText.parse(read(file));
    s.now = s.now.plusSeconds(60);
    s.run("--backup", "--pair", "home");
    PrometheusText.Parsed second = PrometheusText.parse(read(file));
    first
        .values()
        .forEach((series, v) -> assertEquals(v, second.values().get(series), series.toString()));
    assertEquals(
        (double) s.now.getEpochSecond(),
        second.value("backup_tool_last_run_timestamp_seconds", "pair", "home", "verb", "backup"));
    assertEquals(2 * first.values().size(), second.values().size());
  }

  @Test
  void theFileIsReplacedAtomicallyReadableByAllAndNoTemporaryFileStays() throws IOException {
    Path dir = metricsDir();
    Path file = dir.resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    s.run("--backup", "--pair", "root");
    Object inode = Files.getAttribute(file, "unix:ino");
    Path oldLink = tmp.resolve("old-link");
    Files.createLink(oldLink, file); // the old file's inode, whatever happens to the name
    String old = read(file);
    s.now = s.now.plusSeconds(60);
    s.run("--status", "--pair", "root");
    assertNotEquals(inode, Files.getAttribute(file, "unix:ino"), "a new file, renamed in place");
    assertEquals(old, read(oldLink), "the old file was not written to");
    assertNotEquals(old, read(file));
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(List.of(file), entries.toList(), "no temporary file left");
    }
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aSymlinkAtTheFilesPlaceIsRefusedAndNotFollowed() throws IOException {
    Path dir = metricsDir();
    Path victim = Files.writeString(tmp.resolve("victim.prom"), "# HELP backup_tool_x\n");
    Path file = Files.createSymbolicLink(dir.resolve("backup-tool.prom"), victim);
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    String t = s.run("--backup", "--pair", "root");
    assertEquals(0, s.lastExit, t);
    assertTrue(
        t.contains(
            "backup-tool: metrics file <tmp>/node-exporter/backup-tool.prom: not written: it is a"
                + " symbolic link"),
        t);
    assertTrue(Files.isSymbolicLink(file));
    assertEquals("# HELP backup_tool_x\n", read(victim));
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(List.of(file), entries.toList(), "no temporary file left");
    }
  }

  @Test
  void aDirectoryThatCannotBeWrittenIsAWarningAndTheExitCodeIsTheRunsOwn() {
    Path file = tmp.resolve("missing").resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    Approvals.verify(s.run("--backup", "--pair", "root") + s.run("--check", "--pair", "root"));
  }

  /** Root may write anywhere but into an immutable directory (chattr +i, where supported). */
  @Test
  void anImmutableDirectoryIsAWarningToo() throws Exception {
    Path dir = metricsDir();
    Path file = dir.resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    Process chattr = new ProcessBuilder("chattr", "+i", dir.toString()).inheritIO().start();
    Assumptions.assumeTrue(
        chattr.waitFor() == 0, "chattr +i does not work here (not root, or a tmpfs)");
    try {
      String t = s.run("--backup", "--pair", "root");
      assertEquals(0, s.lastExit, t);
      assertTrue(t.contains("metrics file <tmp>/node-exporter/backup-tool.prom: not written"), t);
      assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
    } finally {
      new ProcessBuilder("chattr", "-i", dir.toString()).inheritIO().start().waitFor();
    }
  }

  /**
   * Two runs of different pairs that end together: the lock lets one read and write after the
   * other, so neither drops the other's series. Each run is a machine of its own (only the metrics
   * file and the lock directory are shared), so that the two runs share nothing else.
   */
  @Test
  void twoRunsOfDifferentPairsEndingTogetherKeepBothPairs() throws Exception {
    Path file = metricsDir().resolve("backup-tool.prom");
    Path locks = tmp.resolve("shared-locks");
    String global =
        "[global]\nmetrics_file = "
            + TestConfigs.quote(file.toString())
            + "\nlock_dir = "
            + TestConfigs.quote(locks.toString())
            + "\n\n";
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int r = 0; r < 10; r++) {
        int round = r;
        Files.deleteIfExists(file);
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Integer>> runs =
            Stream.of("root", "home")
                .map(
                    pair -> {
                      Scenario s = Scenario.standard(created(tmp.resolve(pair + round)));
                      s.config(global + Scenario.config(10, 30, 20, 90));
                      return pool.submit(
                          () -> {
                            together.await();
                            s.run("--status", "--pair", pair);
                            return s.lastExit;
                          });
                    })
                .toList();
        for (Future<Integer> run : runs) {
          assertEquals(0, run.get());
        }
        PrometheusText.Parsed p = PrometheusText.parse(read(file));
        for (String pair : List.of("root", "home")) {
          assertEquals(
              0.0,
              p.value("backup_tool_last_exit_code", "pair", pair, "verb", "status"),
              "round " + round + ", pair " + pair + ":\n" + read(file));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPurgeCountsWhatItLeftOnBothSides() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s = Scenario.standard(tmp);
    s.config(
        "[global]\nmetrics_file = "
            + TestConfigs.quote(file.toString())
            + "\n\n"
            + Scenario.config(1, 0, 1, 0));
    for (String name :
        List.of("2026-11-19T10:00:00", "2026-11-20T10:00:00", "2026-11-21T10:00:00")) {
      s.snapshot("root", name).backedUp("root", name);
    }
    s.run("--purge", "--pair", "root");
    assertEquals(0, s.lastExit);
    PrometheusText.Parsed p = PrometheusText.parse(read(file));
    assertEquals(1.0, p.value("backup_tool_snapshots", "pair", "root"));
    assertEquals(1.0, p.value("backup_tool_backups", "pair", "root"));
    double newest = (double) Instant.parse("2026-11-21T10:00:00Z").getEpochSecond();
    assertEquals(newest, p.value("backup_tool_newest_snapshot_timestamp_seconds", "pair", "root"));
    assertEquals(newest, p.value("backup_tool_newest_backup_timestamp_seconds", "pair", "root"));
    assertNull(p.value("backup_tool_last_run_sent_bytes", "pair", "root", "verb", "purge"));
  }

  @Test
  void aSignalGivesItsExitCodeToThePairsThatWereNotDone() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s =
        withMetrics(tmp, file)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    s.btrfs.onNext(
        "send /btrfs/snapshots/root/2026-11-20T10:00:00",
        () -> s.interruption.deliver(new Signal("TERM")));
    s.run("--backup", "--all");
    assertEquals(143, s.lastExit);
    PrometheusText.Parsed p = PrometheusText.parse(read(file));
    for (String pair : List.of("root", "home")) {
      String[] labels = {"pair", pair, "verb", "backup"};
      assertEquals(143.0, p.value("backup_tool_last_exit_code", labels), pair);
      assertNull(p.value("backup_tool_last_success_timestamp_seconds", labels), pair);
      assertEquals(0.0, p.value("backup_tool_backups", "pair", pair), pair);
    }
  }

  @Test
  void aRunThatTakesLongerShowsItsDuration() {
    Path file = metricsDir().resolve("backup-tool.prom");
    Scenario s = withMetrics(tmp, file).snapshot("root", "2026-11-20T10:00:00");
    s.run("--backup", "--pair", "root");
    assertEquals(
        Scenario.RUN_STEP.toMillis() / 1000.0,
        PrometheusText.parse(read(file))
            .value("backup_tool_last_run_duration_seconds", ROOT_BACKUP));
    assertNull(
        PrometheusText.parse(read(file))
            .value("backup_tool_last_run_duration_seconds", "pair", "home", "verb", "backup"));
  }
}
