package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.JsonDocument;
import backuptool.TestConfigs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Listing;
import backuptool.btrfs.RealBtrfs;
import backuptool.cli.Environment;
import backuptool.hosts.Remotes;
import backuptool.model.Subvolume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole tool through its command line on real btrfs: snapshot, full backup, changes of every
 * kind, incremental backup, purge, several pairs, and a restore; after every backup each backup
 * equals its snapshot byte for byte, metadata included.
 */
@Tag("btrfs")
class EndToEndTest {
  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static int pairs;

  @TempDir Path work;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T08:00:00Z"));
  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void mountFilesystems() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("e2e-source", 1024);
    target = LoopBtrfs.create("e2e-target", 1024);
  }

  @AfterAll
  static void unmountFilesystems() throws IOException {
    LoopBtrfs.closeAll(source, target);
  }

  /** A new pair: a live subvolume with data, an empty snapshot directory, an empty target. */
  private record TestPair(String name, Path volume, Path snaps, Path backups) {
    String toml(int count, int days, int targetCount, int targetDays) {
      return TestConfigs.pair(name, volume, snaps, backups, count, days, targetCount, targetDays);
    }
  }

  private static TestPair newPair(long seed) throws IOException {
    pairs++;
    String name = "p" + pairs;
    Path volume = source.root().resolve(name + "-live");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, seed);
    Path snaps =
        Files.createDirectories(source.root().resolve(name + " snapshots")); // a space, on purpose
    Path backups = Files.createDirectories(target.root().resolve(name + "-backups"));
    return new TestPair(name, volume, snaps, backups);
  }

  private InProcess.Run run(String config, String... args) throws IOException {
    return InProcess.run(environment(), work, config, args);
  }

  private InProcess.Run ok(String config, String... args) throws IOException {
    return InProcess.ok(environment(), work, config, args);
  }

  private Environment environment() {
    return InProcess.environment(btrfs, clock, work, Remotes.NONE);
  }

  private Map<String, Subvolume> list(Path dir) throws BtrfsException {
    Listing listing = btrfs.list(dir);
    return listing.subvolumes().stream()
        .collect(Collectors.toMap(Subvolume::name, Function.identity()));
  }

  /** Every backup in the target equals the snapshot of that name, byte for byte and in metadata. */
  private void assertBackupsEqualSnapshots(TestPair pair) throws IOException, BtrfsException {
    Map<String, Subvolume> snaps = list(pair.snaps());
    Map<String, Subvolume> backups = list(pair.backups());
    assertFalse(backups.isEmpty());
    for (Subvolume backup : backups.values()) {
      Subvolume snap = snaps.get(backup.name());
      if (snap == null) {
        continue; // its snapshot was purged; it was compared while it existed
      }
      assertTrue(backup.readOnly(), backup.name());
      assertEquals(
          snap.identity(),
          backup.receivedUuid().orElseThrow(),
          "received uuid of " + backup.name());
      assertEquals(
          TreeManifest.of(pair.snaps().resolve(snap.name())),
          TreeManifest.of(pair.backups().resolve(backup.name())),
          backup.name());
    }
  }

  private static long sendSize(Path snapshot, Path parent) throws IOException {
    ProcessBuilder pb =
        parent == null
            ? new ProcessBuilder("btrfs", "send", "-q", snapshot.toString())
            : new ProcessBuilder(
                "btrfs", "send", "-q", "-p", parent.toString(), snapshot.toString());
    Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long total = 0;
    try (InputStream in = p.getInputStream()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
    }
    try {
      assertEquals(0, p.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return total;
  }

  @Test
  void snapshotBackupChangeBackupIncrementallyAndRestore() throws Exception {
    TestPair pair = newPair(1);
    String config = pair.toml(10, 30, 20, 90);

    InProcess.Run snap = ok(config, "--snapshot", "--pair", pair.name(), "--suffix", "first");
    assertTrue(
        snap.out().contains("create  " + pair.snaps().resolve("2026-11-01T08:00:00-first")),
        snap.out());
    InProcess.Run first = ok(config, "--backup", "--pair", pair.name());
    assertTrue(first.out().contains("send    2026-11-01T08:00:00-first: full send"), first.out());
    assertBackupsEqualSnapshots(pair);

    TestData.change(pair.volume(), 2);
    clock.advance(Duration.ofHours(1));
    ok(config, "--snapshot", "--pair", pair.name());
    InProcess.Run second = ok(config, "--backup", "--pair", pair.name());
    assertTrue(
        second
            .out()
            .contains("send    2026-11-01T09:00:00: incremental from 2026-11-01T08:00:00-first"),
        second.out());
    assertBackupsEqualSnapshots(pair);

    // Incremental for real: the second backup was received as a snapshot of the first ...
    Map<String, Subvolume> backups = list(pair.backups());
    assertEquals(
        backups.get("2026-11-01T08:00:00-first").uuid(),
        backups.get("2026-11-01T09:00:00").parentUuid().orElseThrow());
    // ... and its stream is a small part of a full one.
    Path older = pair.snaps().resolve("2026-11-01T08:00:00-first");
    Path newer = pair.snaps().resolve("2026-11-01T09:00:00");
    long full = sendSize(newer, null);
    long incremental = sendSize(newer, older);
    assertTrue(full > TestData.LARGE_FILE_BYTES, "full send " + full);
    assertTrue(incremental * 20 < full, "incremental " + incremental + " vs full " + full);

    assertEquals("", run(config, "--backup", "--pair", pair.name()).err());
    assertTrue(ok(config, "--backup", "--pair", pair.name()).out().contains("No operations."));

    // Restore: send the newest backup to a fresh filesystem; it equals the snapshot it came from.
    try (LoopBtrfs fresh = LoopBtrfs.create("e2e-restore", 512)) {
      sendReceive(pair.backups().resolve("2026-11-01T09:00:00"), fresh.root());
      assertEquals(
          TreeManifest.of(newer), TreeManifest.of(fresh.root().resolve("2026-11-01T09:00:00")));
    }
  }

  /**
   * --status, --check and --json on real btrfs, through every verdict: stale (no snapshot, then no
   * backup, then too old), ok, broken (the common parent deleted) and unreachable (the backup
   * directory gone).
   */
  @Test
  void statusAndCheckThroughEveryVerdict() throws Exception {
    TestPair pair = newPair(12);
    String config = pair.toml(10, 30, 20, 90);
    assertTrue(
        ok(config, "--status", "--pair", pair.name())
            .out()
            .contains("health  stale: no snapshot yet in " + pair.snaps()));
    ok(config, "--snapshot", "--pair", pair.name());
    assertTrue(
        ok(config, "--status", "--pair", pair.name())
            .out()
            .contains("health  stale: no backup yet in " + pair.backups()));
    ok(config, "--backup", "--pair", pair.name());
    InProcess.Run fresh = ok(config, "--status", "--pair", pair.name(), "-v");
    String first = "2026-11-01T08:00:00";
    Subvolume backup = list(pair.backups()).get(first);
    assertTrue(
        fresh.out().contains("health  ok: newest backup less than a second old"), fresh.out());
    assertTrue(fresh.out().contains("  received uuid " + backup.receivedUuid().orElseThrow()));
    assertTrue(ok(config, "--check", "--pair", pair.name()).out().startsWith("BACKUP-TOOL OK - "));
    InProcess.Run json = ok(config, "--status", "--pair", pair.name(), "--json");
    JsonDocument.assertValid(json.out());
    assertTrue(json.out().contains("\"uuid\": \"" + backup.uuid() + "\""), json.out());

    clock.advance(Duration.ofHours(30));
    assertTrue(
        ok(config, "--status", "--pair", pair.name())
            .out()
            .contains("health  stale: newest backup 1 day 6 hours old, beyond 26 hours"));
    InProcess.Run late = run(config, "--check", "--pair", pair.name());
    assertEquals(1, late.exit(), late.out());
    assertTrue(late.out().startsWith("BACKUP-TOOL WARNING - "), late.out());

    // The only snapshot with a backup is deleted by hand: the next backup cannot be incremental.
    Commands.run("btrfs", "subvolume", "delete", pair.snaps().resolve(first).toString());
    ok(config, "--snapshot", "--pair", pair.name());
    assertTrue(
        ok(config, "--status", "--pair", pair.name())
            .out()
            .contains("health  broken: no common parent, next backup is a full send"));

    Path away = pair.backups().resolveSibling(pair.name() + "-away");
    Files.move(pair.backups(), away);
    try {
      InProcess.Run gone = run(config, "--status", "--pair", pair.name());
      assertEquals(1, gone.exit(), gone.out());
      assertTrue(
          gone.out().contains("health  unreachable: backup directory " + pair.backups()),
          gone.out());
      InProcess.Run critical = run(config, "--check", "--pair", pair.name());
      assertEquals(2, critical.exit(), critical.out());
    } finally {
      Files.move(away, pair.backups());
    }
  }

  /** docs/restore.md, step by step: the first backup after the restore is incremental. */
  @Test
  void restoreOntoANewDiskAsDocumentedThenBackUpIncrementally() throws Exception {
    TestPair lost = newPair(9);
    String before = lost.toml(10, 30, 20, 90);
    ok(before, "--snapshot", "--pair", lost.name());
    ok(before, "--backup", "--pair", lost.name());
    TestData.change(lost.volume(), 10);
    clock.advance(Duration.ofHours(1));
    ok(before, "--snapshot", "--pair", lost.name());
    ok(before, "--backup", "--pair", lost.name());
    String name = "2026-11-01T09:00:00";
    Path backup = lost.backups().resolve(name);

    try (LoopBtrfs disk = LoopBtrfs.create("e2e-new-disk", 512)) {
      // 1. A new filesystem with a directory for the snapshots.
      Path snaps = Files.createDirectories(disk.root().resolve("snapshots").resolve("home"));
      // 2. The backup received into the snapshot directory, under its own name.
      sendReceive(backup, snaps);
      Path restored = snaps.resolve(name);
      // 3. A writable snapshot of it is the live volume.
      Path live = disk.root().resolve("home");
      Commands.run("btrfs", "subvolume", "snapshot", restored.toString(), live.toString());
      // 4. Mounted where the volume belongs, and named in the configuration.
      try (LoopBtrfs home = disk.mountSubvolume(live, "home")) {
        TestPair pair = new TestPair(lost.name(), home.root(), snaps, lost.backups());
        String config = pair.toml(10, 30, 20, 90);

        // 5. The restored snapshot is matched with its backup: nothing to send.
        InProcess.Run check = ok(config, "--backup", "--pair", pair.name(), "--dry-run", "-v");
        assertTrue(check.out().contains("ok      " + name + ": already backed up as " + backup));
        assertTrue(check.out().contains("No operations."), check.out());
        assertBackupsEqualSnapshots(pair);

        TestData.change(home.root(), 11);
        clock.advance(Duration.ofHours(1));
        ok(config, "--snapshot", "--pair", pair.name());
        String next = "2026-11-01T10:00:00";
        InProcess.Run backedUp = ok(config, "--backup", "--pair", pair.name());
        assertTrue(
            backedUp
                .out()
                .contains(
                    "send    "
                        + next
                        + ": incremental from "
                        + name
                        + ", whose backup is on the target"),
            backedUp.out());
        assertBackupsEqualSnapshots(pair);

        // Received against the old backup, from a small stream.
        Map<String, Subvolume> backups = list(pair.backups());
        assertEquals(backups.get(name).uuid(), backups.get(next).parentUuid().orElseThrow());
        long full = sendSize(snaps.resolve(next), null);
        long incremental = sendSize(snaps.resolve(next), restored);
        assertTrue(full > TestData.LARGE_FILE_BYTES, "full send " + full);
        assertTrue(incremental * 20 < full, "incremental " + incremental + " vs full " + full);
        assertTrue(ok(config, "--backup", "--pair", pair.name()).out().contains("No operations."));
      }
    }
  }

  @Test
  void purgeAppliesEachRuleOnRealBtrfs() throws Exception {
    TestPair pair = newPair(3);
    // Keep the newest 1, or younger than 5 days on the source and 7 days on the target (so that
    // the target would keep Nov 13's snapshot, 6 days old when purge runs, and it waits).
    String config = pair.toml(1, 5, 1, 7);
    for (int day = 0; day < 7; day++) {
      TestData.change(pair.volume(), 100 + day);
      ok(config, "--snapshot", "--pair", pair.name());
      if (day < 4) {
        ok(config, "--backup", "--pair", pair.name());
        assertBackupsEqualSnapshots(pair);
      }
      if (day < 6) {
        clock.advance(Duration.ofDays(3));
      }
    }
    // Now 2026-11-19T08:00: snapshots of Nov 1, 4, 7, 10 are backed up; Nov 13, 16, 19 wait.
    String out = ok(config, "--purge", "--pair", pair.name()).out();
    assertTrue(
        out.contains(
            "delete  2026-11-01T08:00:00: 18 days old, beyond 5 days and not among newest 1"),
        out);
    assertTrue(out.contains("keep    2026-11-10T08:00:00: common parent"), out);
    assertTrue(out.contains("keep    2026-11-13T08:00:00: not yet backed up"), out);
    assertTrue(out.contains("keep    2026-11-16T08:00:00: 3 days old, within 5 days"), out);
    assertTrue(out.contains("keep    2026-11-19T08:00:00: among newest 1"), out);
    assertEquals(
        List.of(
            "2026-11-10T08:00:00",
            "2026-11-13T08:00:00",
            "2026-11-16T08:00:00",
            "2026-11-19T08:00:00"),
        names(pair.snaps()));
    assertEquals(List.of("2026-11-10T08:00:00"), names(pair.backups()));

    // The waiting snapshots are sent incrementally from the kept common parent.
    String backup = ok(config, "--backup", "--pair", pair.name()).out();
    assertTrue(
        backup.contains("send    2026-11-13T08:00:00: incremental from 2026-11-10T08:00:00"),
        backup);
    assertBackupsEqualSnapshots(pair);
    ok(config, "--purge", "--pair", pair.name());
    assertEquals(List.of("2026-11-16T08:00:00", "2026-11-19T08:00:00"), names(pair.snaps()));
    assertEquals(
        List.of("2026-11-13T08:00:00", "2026-11-16T08:00:00", "2026-11-19T08:00:00"),
        names(pair.backups()));
    assertBackupsEqualSnapshots(pair);
  }

  @Test
  void allPairsAtOnceAndAFailingPairDoesNotStopTheOthers() throws Exception {
    TestPair a = newPair(5);
    TestPair b = newPair(6);
    String config = a.toml(5, 30, 5, 30) + "\n" + b.toml(5, 30, 5, 30);
    InProcess.Run snap = ok(config, "--snapshot", "--all");
    assertTrue(snap.out().contains("2 operations."), snap.out());
    ok(config, "--backup", "--all");
    assertBackupsEqualSnapshots(a);
    assertBackupsEqualSnapshots(b);

    // Pair a's backup disk "goes away": its target directory is missing. Pair b still works.
    TestData.change(b.volume(), 7);
    clock.advance(Duration.ofMinutes(5));
    ok(config, "--snapshot", "--all");
    Files.move(a.backups(), a.backups().resolveSibling("moved-away"));
    InProcess.Run partly = run(config, "--backup", "--all");
    assertEquals(1, partly.exit(), partly.out());
    assertTrue(
        partly
            .err()
            .contains("pair " + a.name() + ": backup directory " + a.backups() + " does not exist"),
        partly.err());
    assertEquals(2, names(b.backups()).size());
    assertBackupsEqualSnapshots(b);
  }

  @Test
  void aNonBtrfsTargetIsRefusedAndNothingChanges() throws Exception {
    TestPair pair = newPair(8);
    try (LoopBtrfs plain = LoopBtrfs.tmpfs("e2e-plain")) {
      String config =
          new TestPair(pair.name(), pair.volume(), pair.snaps(), plain.root()).toml(5, 5, 5, 5);
      ok(config, "--snapshot", "--pair", pair.name());
      InProcess.Run r = run(config, "--backup", "--all", "--dry-run");
      assertEquals(1, r.exit());
      assertTrue(r.err().contains("is on a filesystem of type tmpfs, not btrfs"), r.err());
      InProcess.Run real = run(config, "--backup", "--all");
      assertEquals(1, real.exit());
      try (var entries = Files.list(plain.root())) {
        assertEquals(0, entries.count());
      }
    }
  }

  private List<String> names(Path dir) throws BtrfsException {
    return btrfs.list(dir).subvolumes().stream().map(Subvolume::name).sorted().toList();
  }

  /** {@code btrfs send -q SUBVOLUME | btrfs receive -q DIR}, as a person restoring would run it. */
  private static void sendReceive(Path subvolume, Path dir)
      throws IOException, InterruptedException {
    List<Process> pipe =
        ProcessBuilder.startPipeline(
            List.of(
                new ProcessBuilder("btrfs", "send", "-q", subvolume.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT),
                new ProcessBuilder("btrfs", "receive", "-q", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)));
    for (Process p : pipe) {
      assertEquals(0, p.waitFor(), "btrfs send " + subvolume + " | btrfs receive " + dir);
    }
  }
}
