package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs at once, as separate processes. On the same pair, the second skips it at once with exit
 * 3, naming the pair and the process that holds it, and changes nothing of it, while it runs the
 * other pairs it was given; with {@code --wait} it waits for the pair instead; on different pairs,
 * both proceed in parallel and succeed. The first run is made as slow as needed for the two to
 * overlap, whatever the machine's speed: its transfer (a large file) is paused with SIGSTOP to its
 * {@code btrfs receive} while the second run runs, and resumed afterwards; a snapshot, which has no
 * transfer, is held up by pausing the first run itself while it holds the lock. Two snapshots
 * started at the same moment, with no help, must also end well in whatever order they take.
 */
@Tag("btrfs")
class ConcurrentRunsTest {
  private static final long BIG_FILE = 64L << 20;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path work;

  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static ToolProcess tool;
  private static int overlapping;

  private final BackupLedger ledger = new BackupLedger();

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("conc-src", 2048);
    target = LoopBtrfs.create("conc-tgt", 2048);
    tool = new ToolProcess(work.resolve("tool"));
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      if (tool != null) {
        tool.close();
      }
    } finally {
      LoopBtrfs.closeAll(source, target);
    }
    System.out.printf(
        "concurrent runs test: %d pairs of overlapping runs, each as specified%n", overlapping);
  }

  /** A pair with a live volume, its snapshot directory and its target. */
  private record TestPair(String name, Path volume, Path snaps, Path backups) {
    String toml() {
      return new PairDirs(name, volume, snaps, backups).toml();
    }

    /** Rewrites the large file and takes a snapshot: a large transfer waiting to be sent. */
    String snapshot(int minute) throws IOException {
      TestData.randomFile(volume.resolve("big.bin"), minute, BIG_FILE);
      String name = BackupLedger.name(minute);
      BackupLedger.snapshot(volume, snaps, name);
      return name;
    }

    Set<String> snapshots() throws IOException {
      return BackupLedger.in(source.root(), snaps).keySet();
    }

    Set<String> backupNames() throws IOException {
      return BackupLedger.in(target.root(), backups).keySet();
    }

    void assertComplete(BackupLedger ledger, String what) throws IOException {
      ledger.assertComplete(what, source.root(), snaps, target.root(), backups);
      assertEquals(Set.of(), BackupLedger.journal(backups), what);
      ledger.assertNothingLost(what, source.root(), target.root());
    }
  }

  private static TestPair pair(String name) throws IOException {
    PairDirs d = PairDirs.create(source, target, name);
    return new TestPair(d.name(), d.volume(), d.snaps(), d.backups());
  }

  /** Something to run while the first run is held up. */
  private interface WhileHeld<T> {
    T run() throws IOException;
  }

  /** What ran while the first run, {@code firstPid}, held its lock. */
  private record Overlap<T>(long firstPid, T meanwhile) {}

  /**
   * Starts a backup of {@code pair}, waits until its transfer runs, pauses the transfer (SIGSTOP to
   * its {@code btrfs receive}), runs {@code meanwhile}, resumes the transfer, and checks that the
   * backup then completes.
   */
  private static <T> Overlap<T> duringABackup(Path config, TestPair pair, WhileHeld<T> meanwhile)
      throws IOException {
    Set<String> before = entries(pair.backups());
    ToolProcess.Running first = tool.start(config, "--backup", "--pair", pair.name());
    String receive = "btrfs receive " + pair.backups();
    if (!first.awaitChild(receive, START_TIMEOUT)) {
      fail("the backup's transfer never started:\n" + first.await().transcript());
    }
    OptionalLong receiver = first.child(receive);
    // Paused only once its subvolume exists, so that the runs meanwhile see a receive in progress
    // (a receive paused before it read the stream's first command has created nothing yet).
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (entries(pair.backups()).equals(before)) {
      if (System.nanoTime() > deadline) {
        fail("the receive never created its subvolume:\n" + first.await().transcript());
      }
      sleep(Duration.ofMillis(2));
    }
    T result;
    Commands.run("kill", "-s", "STOP", Long.toString(receiver.orElseThrow()));
    try {
      assertTrue(first.isAlive());
      result = meanwhile.run();
      assertTrue(first.isAlive(), "the first run ended while its transfer was paused");
    } finally {
      Commands.run("kill", "-s", "CONT", Long.toString(receiver.orElseThrow()));
    }
    ToolProcess.Result done = first.await();
    assertEquals(0, done.exit(), done.transcript());
    overlapping++;
    return new Overlap<>(first.pid(), result);
  }

  /** The directories (subvolumes among them) in {@code dir}: not the receive journal's file. */
  private static Set<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toSet());
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Exit 3, naming the pair and the pid of the run holding it; nothing done to the pair. */
  private static void assertSkipped(ToolProcess.Result second, String pair, long holder) {
    assertEquals(3, second.exit(), second.transcript());
    assertTrue(
        second
            .err()
            .contains(
                "pair " + pair + " is busy: another run holds its lock (pid " + holder + ": "),
        second.transcript());
    assertTrue(second.err().contains("skipped, nothing was done to it"), second.transcript());
    assertFalse(second.out().contains("pair " + pair), second.transcript());
  }

  @Test
  void theSamePairsBackupTwice() throws IOException {
    TestPair p = pair("twice");
    Path config = tool.config("twice.toml", p.toml());
    p.snapshot(1);
    Overlap<ToolProcess.Result> second =
        duringABackup(config, p, () -> tool.run(config, "--backup", "--pair", p.name()));
    assertSkipped(second.meanwhile(), p.name(), second.firstPid());
    p.assertComplete(ledger, "backup twice");
  }

  @Test
  void backupAgainstPurgeOfTheSamePair() throws IOException {
    TestPair p = pair("purge");
    // Purge deletes all but the newest snapshot and backup, when it runs.
    Path config =
        tool.config(
            "purge.toml",
            TestConfigs.pair("purge", p.volume(), p.snaps(), p.backups(), 1, 0, 1, 0));
    p.snapshot(1);
    ToolProcess.Result first = tool.run(config, "--backup", "--pair", p.name());
    assertEquals(0, first.exit(), first.transcript());
    p.snapshot(2);
    Overlap<List<ToolProcess.Result>> overlap =
        duringABackup(
            config,
            p,
            () ->
                List.of(
                    tool.run(config, "--purge", "--pair", p.name()),
                    tool.run(config, "--purge", "--all", "--dry-run")));
    List<ToolProcess.Result> meanwhile = overlap.meanwhile();
    assertSkipped(meanwhile.get(0), p.name(), overlap.firstPid());
    // A dry run takes no lock: it plans while the backup runs, and sees (without waiting) that the
    // pair is locked, so the receive in progress is that run's, not a leftover to remove.
    ToolProcess.Result dry = meanwhile.get(1);
    assertEquals(0, dry.exit(), dry.transcript());
    assertTrue(dry.out().contains("Dry run (--dry-run): nothing was changed."), dry.out());
    assertTrue(
        dry.out()
            .contains(
                BackupLedger.name(2)
                    + ": being received now by the run that holds this pair's lock (pid "
                    + overlap.firstPid()
                    + ": backup-tool --backup --pair purge, started "),
        dry.transcript());
    assertFalse(dry.out().contains("remove "), dry.transcript());
    assertTrue(
        dry.err().contains("pair purge is busy: another run holds its lock (pid "),
        dry.transcript());
    assertEquals(Set.of(BackupLedger.name(1), BackupLedger.name(2)), p.snapshots());
    p.assertComplete(ledger, "backup against purge");

    // Once the backup is over, purge runs.
    ToolProcess.Result later = tool.run(config, "--purge", "--pair", p.name());
    assertEquals(0, later.exit(), later.transcript());
    assertEquals(Set.of(BackupLedger.name(2)), p.snapshots());
    assertEquals(Set.of(BackupLedger.name(2)), p.backupNames());
  }

  @Test
  void twoDifferentPairsAtOnceBothSucceed() throws IOException {
    TestPair a = pair("left");
    TestPair b = pair("right");
    Path config = tool.config("two.toml", a.toml() + "\n" + b.toml());
    a.snapshot(1);
    b.snapshot(1);
    // While the backup of "left" holds its lock, the backup of "right" runs from start to end.
    ToolProcess.Result right =
        duringABackup(config, a, () -> tool.run(config, "--backup", "--pair", b.name()))
            .meanwhile();
    assertEquals(0, right.exit(), right.transcript());
    assertEquals("", right.err(), right.transcript());
    a.assertComplete(ledger, "left");
    b.assertComplete(ledger, "right");

    // --all: the busy pair is skipped, the others still get their backup (exit 3).
    a.snapshot(2);
    b.snapshot(2);
    Overlap<ToolProcess.Result> all =
        duringABackup(config, a, () -> tool.run(config, "--backup", "--all"));
    assertSkipped(all.meanwhile(), a.name(), all.firstPid());
    assertTrue(all.meanwhile().out().contains("pair right"), all.meanwhile().transcript());
    assertEquals(
        Set.of(BackupLedger.name(1), BackupLedger.name(2)),
        b.backupNames(),
        "--all backed up the pair that was free");
    b.assertComplete(ledger, "right, while left was busy");

    // --wait: a run that finds the pair busy waits for it, then does its work.
    a.snapshot(3);
    ToolProcess.Running waiting = null;
    try {
      waiting =
          duringABackup(
                  config,
                  a,
                  () -> {
                    ToolProcess.Running w =
                        tool.start(config, "--purge", "--pair", a.name(), "--wait", "60");
                    ToolProcess.pause(1500);
                    assertTrue(w.isAlive(), "--wait 60 gave up while the pair was busy");
                    return w;
                  })
              .meanwhile();
    } finally {
      if (waiting != null) {
        ToolProcess.Result waited = waiting.await();
        assertEquals(0, waited.exit(), waited.transcript());
        assertEquals("", waited.err(), waited.transcript());
      }
    }
    ToolProcess.Result rest = tool.run(config, "--backup", "--all");
    assertEquals(0, rest.exit(), rest.transcript());
    a.assertComplete(ledger, "left");
    b.assertComplete(ledger, "right");
    ledger.assertAllEqual("after the concurrent runs");
  }

  @Test
  void theSamePairsSnapshotTwice() throws IOException {
    TestPair p = pair("snap");
    Path config = tool.config("snap.toml", p.toml());
    // Data not yet on disk: the snapshot has to write it first, which keeps the lock held longer.
    TestData.randomFile(p.volume().resolve("dirty.bin"), 7, BIG_FILE);

    ToolProcess.Running first = tool.start(config, "--snapshot", "--pair", p.name());
    awaitLock(first, p.name());
    // Paused while it holds the lock, the first run stands for one that takes long.
    first.signal("STOP");
    ToolProcess.Result second;
    try {
      second = tool.run(config, "--snapshot", "--pair", p.name());
    } finally {
      first.signal("CONT");
    }
    ToolProcess.Result firstResult = first.await();
    assertEquals(0, firstResult.exit(), firstResult.transcript());
    assertSkipped(second, p.name(), first.pid());
    assertEquals(1, p.snapshots().size(), "one snapshot, not two");
    overlapping++;

    // Both at once, with no help: whichever order they take, no snapshot is overwritten or lost.
    // (Started in the next second: the snapshot just taken has this second's name.)
    ToolProcess.pause(1050 - System.currentTimeMillis() % 1000);
    ToolProcess.Running a = tool.start(config, "--snapshot", "--pair", p.name());
    ToolProcess.Running b = tool.start(config, "--snapshot", "--pair", p.name());
    ToolProcess.Result ra = a.await();
    ToolProcess.Result rb = b.await();
    int made = 0;
    for (ToolProcess.Result r : List.of(ra, rb)) {
      switch (r.exit()) {
        case 0 -> made++;
        case 3 -> assertTrue(r.err().contains("pair snap is busy"), r.transcript());
        case 1 ->
            // One after the other within a second: the name is taken, nothing is overwritten.
            assertTrue(r.err().contains("already exists; nothing is overwritten"), r.transcript());
        default -> fail(r.transcript());
      }
    }
    assertTrue(made >= 1, ra.transcript() + rb.transcript());
    assertEquals(1 + made, p.snapshots().size(), ra.transcript() + rb.transcript());
    for (BackupLedger.Sub s : BackupLedger.in(source.root(), p.snaps()).values()) {
      assertTrue(s.readOnly(), s.path().toString());
    }
    System.out.printf(
        "concurrent runs test: two snapshots started together: exits %d and %d%n",
        ra.exit(), rb.exit());
  }

  /** Waits until {@code run} holds the lock of {@code pair} (its lock file records its pid). */
  private static void awaitLock(ToolProcess.Running run, String pair) throws IOException {
    Path file = tool.lockDir().resolve(pair + ".lock");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && run.isAlive()) {
      try {
        if (Files.readString(file, StandardCharsets.UTF_8).contains("\npid=" + run.pid() + "\n")) {
          return;
        }
      } catch (NoSuchFileException e) {
        // not yet
      }
      ToolProcess.pause(1);
    }
    fail("run " + run.pid() + " never held the lock of " + pair + ":\n" + run.await().transcript());
  }
}
