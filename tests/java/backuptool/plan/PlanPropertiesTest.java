package backuptool.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.FakeBtrfs;
import backuptool.exec.Executor;
import backuptool.exec.Outcome;
import backuptool.journal.MemoryReceiveJournal;
import backuptool.model.Pair;
import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.retention.RetentionRules;
import backuptool.retention.Verdict;
import backuptool.scan.PairScan;
import backuptool.scan.Scanner;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Invariants over many random machines: a plan executed on the fake has exactly the plan's effect,
 * a second backup has nothing to do, a purge after a backup deletes none of the backups it made,
 * and purge never breaks a safety rule.
 */
class PlanPropertiesTest {
  private static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 22, 12, 0);
  private static final Path VOLUME = Path.of("/data/live");
  private static final Path SNAPS = Path.of("/data/snaps");
  private static final Path BACKUPS = Path.of("/backup/live");
  private static final int ROUNDS = 300;

  /** Only named in the rendered plans that explain a failure. */
  private static final Path CONFIG = Path.of("/etc/backup-tool/backup_config.toml");

  @Test
  void backupHasExactlyItsPlannedEffectAndASecondRunHasNothingToDoNorAPurgeToUndo()
      throws BtrfsException {
    Random random = new Random(1);
    for (int round = 0; round < ROUNDS; round++) {
      FakeBtrfs btrfs = randomMachine(random);
      Pair pair = pair(random);
      Scanner scanner = new Scanner(btrfs, new MemoryReceiveJournal(), Map.of());
      PairScan before = scanner.scan(pair);
      Plan plan = BackupPlanner.plan(List.of(before), NOW);
      Set<String> expected = entries(before);
      for (Step.Operation op : plan.pairs().get(0).operations()) {
        Step.Send send = (Step.Send) op;
        assertTrue(
            before.source().snapshots().stream().anyMatch(x -> x.path().equals(send.snapshot())),
            "only the pair's snapshots are sent: " + send.snapshot());
        expected.add(BACKUPS.resolve(send.snapshot().getFileName()).toString());
      }
      assertTrue(run(btrfs, plan).ok());
      PairScan after = scanner.scan(pair);
      assertEquals(expected, entries(after), "the run changed exactly what the plan showed");
      for (Step.Operation op : plan.pairs().get(0).operations()) {
        Snapshot sent = find(after, ((Step.Send) op).snapshot());
        assertTrue(after.backupOf(sent).isPresent(), "every planned send left a matching backup");
      }
      Plan second = BackupPlanner.plan(List.of(after), NOW);
      assertEquals(0, second.operationCount(), () -> PlanRenderer.render(second, CONFIG, true));
      Plan purge = PurgePlanner.plan(List.of(after), NOW);
      Set<Path> purged = deleted(purge);
      for (Step.Operation op : plan.pairs().get(0).operations()) {
        Path backup = after.backupOf(find(after, ((Step.Send) op).snapshot())).orElseThrow().path();
        assertFalse(
            purged.contains(backup),
            () ->
                "the target's retention keeps what a backup just sent: "
                    + backup
                    + "\n"
                    + PlanRenderer.render(plan, CONFIG, true)
                    + PlanRenderer.render(purge, CONFIG, true));
      }
    }
  }

  @Test
  void purgeHasExactlyItsPlannedEffectAndKeepsWhatSafetyNeeds() throws BtrfsException {
    Random random = new Random(2);
    for (int round = 0; round < ROUNDS; round++) {
      FakeBtrfs btrfs = randomMachine(random);
      Pair pair = pair(random);
      Scanner scanner = new Scanner(btrfs, new MemoryReceiveJournal(), Map.of());
      PairScan before = scanner.scan(pair);
      Plan plan = PurgePlanner.plan(List.of(before), NOW);
      Set<String> deleted = new HashSet<>();
      deleted(plan).forEach(p -> deleted.add(p.toString()));

      List<Snapshot> snaps = before.source().snapshots();
      List<Snapshot> backups = before.backups();
      if (!snaps.isEmpty()) {
        assertFalse(deleted.contains(last(snaps).path().toString()), "never the newest snapshot");
      }
      if (!backups.isEmpty()) {
        assertFalse(deleted.contains(last(backups).path().toString()), "never the newest backup");
      }
      before
          .commonParent()
          .ifPresent(
              p -> {
                assertFalse(deleted.contains(p.path().toString()), "never the common parent");
                assertFalse(
                    deleted.contains(before.backupOf(p).orElseThrow().path().toString()),
                    "never its backup");
              });
      Set<Path> sends = new HashSet<>();
      for (Step.Operation op :
          BackupPlanner.plan(List.of(before), NOW).pairs().get(0).operations()) {
        sends.add(((Step.Send) op).snapshot());
      }
      Set<String> taken = before.target().takenNames();
      List<Snapshot> keptWaiting = new ArrayList<>();
      for (Verdict v : RetentionRules.decide(snaps, pair.sourceRetention(), NOW)) {
        Snapshot s = v.snapshot();
        boolean gone = deleted.contains(s.path().toString());
        assertFalse(gone && sends.contains(s.path()), "never a snapshot waiting to be sent: " + s);
        boolean waiting = before.backupOf(s).isEmpty() && !before.olderThanNewestBackup(s);
        if (waiting
            && !v.keep()
            && !gone
            && !s.equals(last(snaps))
            && !taken.contains(s.name().text())) {
          keptWaiting.add(s); // against the source's retention, for the backup's sake
        }
      }
      for (var side : List.of(before.source(), before.target())) {
        side.ignored()
            .forEach(
                i ->
                    assertFalse(
                        deleted.contains(side.dir().resolve(i.name()).toString()),
                        "never what is not a snapshot or backup of the pair: " + i));
      }

      Set<String> expected = entries(before);
      expected.removeAll(deleted);
      assertTrue(run(btrfs, plan).ok());
      PairScan purged = scanner.scan(pair);
      assertEquals(expected, entries(purged), "the run deleted exactly what the plan showed");

      // What purge kept for the backup's sake is sent, and the target's retention keeps it.
      assertTrue(run(btrfs, BackupPlanner.plan(List.of(purged), NOW)).ok());
      PairScan backedUp = scanner.scan(pair);
      Map<Snapshot, Boolean> targetKeeps = new HashMap<>();
      RetentionRules.decide(backedUp.backups(), pair.targetRetention(), NOW)
          .forEach(v -> targetKeeps.put(v.snapshot(), v.keep()));
      for (Snapshot s : keptWaiting) {
        Optional<Snapshot> backup = backedUp.backupOf(find(backedUp, s.path()));
        assertTrue(backup.isPresent(), "a snapshot kept waiting is sent: " + s);
        assertTrue(targetKeeps.get(backup.get()), "and the target's retention keeps it: " + s);
      }
    }
  }

  private static Set<Path> deleted(Plan purge) {
    Set<Path> deleted = new HashSet<>();
    for (Step.Operation op : purge.pairs().get(0).operations()) {
      deleted.add(((Step.Delete) op).subvolume());
    }
    return deleted;
  }

  private static Outcome run(FakeBtrfs btrfs, Plan plan) {
    return new Executor(btrfs, new MemoryReceiveJournal(), Executor.Listener.NONE, Optional::empty)
        .run(plan);
  }

  /** A machine with random snapshots, a random part of them backed up, and some clutter. */
  private static FakeBtrfs randomMachine(Random random) throws BtrfsException {
    FakeBtrfs btrfs =
        new FakeBtrfs().mount(Path.of("/data"), "btrfs").mount(Path.of("/backup"), "btrfs");
    btrfs.createSubvolume(VOLUME).mkdirs(SNAPS).mkdirs(BACKUPS);
    int n = random.nextInt(15);
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      LocalDateTime t =
          NOW.minusHours(random.nextInt(24 * 120)).plusDays(random.nextInt(30) == 0 ? 3 : 0);
      Optional<String> suffix =
          random.nextInt(4) == 0 ? Optional.of("s" + random.nextInt(3)) : Optional.empty();
      names.add(
          random.nextInt(10) == 0 ? t.toLocalDate().toString() : SnapshotName.of(t, suffix).text());
    }
    List<String> backedUp = new ArrayList<>();
    for (String name : names) {
      btrfs.snapshot(VOLUME, SNAPS.resolve(name));
      if (random.nextInt(3) == 0) {
        btrfs.send(SNAPS.resolve(name), Optional.empty(), BACKUPS);
        backedUp.add(name);
      }
    }
    if (!backedUp.isEmpty() && random.nextInt(4) == 0) {
      // Restored: the snapshot is lost and received back from its backup.
      String name = backedUp.get(random.nextInt(backedUp.size()));
      btrfs.delete(List.of(SNAPS.resolve(name)));
      btrfs.send(BACKUPS.resolve(name), Optional.empty(), SNAPS);
    }
    // Snapshots of other volumes: one that still exists (not the pair's), one that is gone.
    for (Path other : List.of(Path.of("/data/other"), Path.of("/data/gone"))) {
      String name =
          SnapshotName.of(NOW.minusHours(random.nextInt(24 * 120)), Optional.of("x")).text();
      if (random.nextInt(4) == 0 && !btrfs.exists(SNAPS.resolve(name))) {
        btrfs.createSubvolume(other).snapshot(other, SNAPS.resolve(name));
        if (other.endsWith("gone")) {
          btrfs.delete(List.of(other));
        }
      }
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      String old =
          SnapshotName.of(NOW.minusDays(100 + random.nextInt(200)), Optional.empty()).text();
      if (!btrfs.exists(BACKUPS.resolve(old))) {
        btrfs.addReceived(BACKUPS.resolve(old), "00000000-dead-0000-0000-00000000000" + i);
      }
    }
    if (random.nextInt(5) == 0) {
      btrfs.createSubvolume(BACKUPS.resolve("incomplete-" + random.nextInt(9)));
    }
    if (random.nextInt(5) == 0) {
      btrfs.mkdirs(SNAPS.resolve("notes"));
    }
    return btrfs;
  }

  private static Pair pair(Random random) {
    return new Pair(
        "live",
        VOLUME,
        SNAPS,
        BACKUPS,
        new Retention(random.nextInt(40), 1 + random.nextInt(5)),
        new Retention(random.nextInt(90), 1 + random.nextInt(8)));
  }

  private static Set<String> entries(PairScan scan) {
    Set<String> all = new TreeSet<>();
    for (var side : List.of(scan.source(), scan.target())) {
      side.snapshots().forEach(s -> all.add(s.path().toString()));
      side.ignored().forEach(i -> all.add(side.dir().resolve(i.name()).toString()));
    }
    return all;
  }

  private static Snapshot find(PairScan scan, Path path) {
    return scan.source().snapshots().stream()
        .filter(s -> s.path().equals(path))
        .findFirst()
        .orElseThrow();
  }

  private static Snapshot last(List<Snapshot> list) {
    return list.get(list.size() - 1);
  }
}
