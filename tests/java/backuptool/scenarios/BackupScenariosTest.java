package backuptool.scenarios;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupScenariosTest {
  @TempDir Path tmp;

  @Test
  void directoriesMissing() {
    Scenario s = Scenario.bare(tmp);
    Approvals.verify(s.run("--backup", "--all"));
  }

  @Test
  void bothDirectoriesEmpty() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void theOneSnapshotIsAlreadyBackedUp() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void firstBackupIsAFullSend() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void firstBackupSendsOnlyWhatTheTargetWouldKeepSoAPurgeAfterItDeletesNoBackup() {
    Scenario s = Scenario.standard(tmp);
    for (String name :
        new String[] {
          "2026-08-01T10:00:00",
          "2026-09-01T10:00:00",
          "2026-10-01T10:00:00",
          "2026-11-15T10:00:00",
          "2026-11-21T10:00:00"
        }) {
      s.snapshot("root", name);
    }
    s.config(Scenario.config(10, 30, 3, 14));
    Approvals.verify(
        s.run("--backup", "--pair", "root") + "\n" + s.run("--purge", "--pair", "root"));
  }

  @Test
  void twoSnapshotsNoneBackedUpFullThenIncremental() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00");
    Approvals.verify(
        s.run("--backup", "--pair", "root", "-v") + "\n" + s.run("--backup", "--pair", "root"));
  }

  @Test
  void threeSnapshotsWithDashedSuffixesOldestBackedUp() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-19T08:00:00-pre-upgrade")
            .backedUp("root", "2026-11-19T08:00:00-pre-upgrade")
            .snapshot("root", "2026-11-20T08:00:00-post-upgrade-1")
            .snapshot("root", "2026-11-21T08:00:00-before-kernel-6.1");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void olderSnapshotsMissingFromATargetWithANewerBackupAreSkipped() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-17T10:00:00")
            .snapshot("root", "2026-11-18T10:00:00")
            .snapshot("root", "2026-11-19T10:00:00")
            .backedUp("root", "2026-11-19T10:00:00")
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void olderDateOnlyNamesCountAsMidnight() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-19")
            .backedUp("root", "2026-11-19")
            .snapshot("root", "2026-11-20-before-update")
            .snapshot("root", "2026-11-20T00:00:00")
            .snapshot("root", "2026-11-21T09:30:00");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void equalTimestampsSendInADefinedOrder() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-21T10:00:00-b")
            .snapshot("root", "2026-11-21T10:00:00-a")
            .snapshot("root", "2026-11-21T10:00:00");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void aTargetNameWithAnotherReceivedUuidIsNeitherBackupNorParent() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00");
    s.btrfs.addReceived(
        Scenario.ROOT_BACKUPS.resolve("2026-11-20T10:00:00"),
        "99999999-0000-0000-0000-000000000000");
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void aDirectoryOnTheTargetWithTheSnapshotsNameIsLeftAloneAndTheSnapshotNotSent() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-21T10:00:00");
    s.btrfs.mkdirs(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void anIncompleteReceiveOnTheTargetIsReportedAndNotCounted() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    s.snapshot("root", "2026-11-21T10:00:00");
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void foreignEntriesAreListedWithVerboseAndLeftAlone() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-21T10:00:00");
    s.btrfs
        .mkdirs(Scenario.ROOT_SNAPS.resolve("notes"))
        .createFile(Scenario.ROOT_SNAPS.resolve("README"))
        .createSubvolume(Scenario.ROOT_SNAPS.resolve("scratch"))
        .mkdirs(Scenario.ROOT_BACKUPS.resolve("2026-13-45T99:00:00"));
    s.snapshot("root", "yesterday");
    Approvals.verify(s.run("--backup", "--pair", "root", "--dry-run", "-v"));
  }

  @Test
  void aSnapshotRestoredFromItsBackupContinuesTheChainIncrementally() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("home", "2026-11-20T10:00:00")
            .backedUp("home", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00")
            .backedUp("home", "2026-11-21T10:00:00")
            .restoredFromBackup("2026-11-21T10:00:00");
    Approvals.verify(
        s.run("--snapshot", "--pair", "home")
            + "\n"
            + s.run("--backup", "--pair", "home", "-v")
            + "\n"
            + s.run("--backup", "--pair", "home"));
  }

  @Test
  void onlySnapshotsOfTheVolumeOrOfNothingThatStillExistsAreThePairs() {
    Path gone = Path.of("/old-root");
    Scenario s = Scenario.standard(tmp);
    s.btrfs
        .createSubvolume(gone)
        .addReadOnlySnapshotOf(gone, Scenario.ROOT_SNAPS.resolve("2026-11-19T10:00:00"))
        .addReadOnlySnapshotOf(
            Path.of("/home"), Scenario.ROOT_SNAPS.resolve("2026-11-21T10:00:00-home"));
    s.deleted(gone).snapshot("root", "2026-11-20T10:00:00");
    s.config(Scenario.config(1, 0, 2, 0));
    Approvals.verify(
        s.run("--backup", "--pair", "root", "-v")
            + "\n"
            + s.run("--purge", "--pair", "root", "-v", "--dry-run"));
  }

  @Test
  void afterARollbackTheSnapshotsOfTheOldVolumeStillCount() {
    // Rolled back: /home-rolled-back, a writable snapshot of 2026-11-20T10:00:00, is the pair's
    // volume now; the old /home is kept, and its snapshots are this pair's history.
    Path rolledBack = Path.of("/home-rolled-back");
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("home", "2026-11-20T10:00:00")
            .backedUp("home", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00")
            .backedUp("home", "2026-11-21T10:00:00");
    s.btrfs.addWritableSnapshotOf(Scenario.HOME_SNAPS.resolve("2026-11-20T10:00:00"), rolledBack);
    s.config(
        Scenario.pairToml(
            "home",
            rolledBack.toString(),
            Scenario.HOME_SNAPS,
            Scenario.HOME_BACKUPS,
            10,
            30,
            20,
            90));
    Approvals.verify(
        s.run("--snapshot", "--pair", "home") + "\n" + s.run("--backup", "--pair", "home", "-v"));
  }

  @Test
  void aFailedSendStopsThatPairAndOthersGoOn() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    s.btrfs.failNext(
        "send /btrfs/snapshots/root/2026-11-20T10:00:00", "ERROR: write: No space left on device");
    Approvals.verify(s.run("--backup", "--all"));
  }

  @Test
  void aTargetThatIsNotOnBtrfsIsRefused() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs
        .mkdirs(Scenario.ROOT_SNAPS)
        .mount(Path.of("/media/usb"), "ext4")
        .mkdirs(Path.of("/media/usb/root"));
    s.config(
        Scenario.pairToml(
            "root", "/", Scenario.ROOT_SNAPS, Path.of("/media/usb/root"), 10, 30, 20, 90));
    Approvals.verify(s.run("--backup", "--all", "--dry-run"));
  }

  @Test
  void aSecondRunHasNothingToDo() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    s.run("--backup", "--all");
    Approvals.verify(s.run("--backup", "--all"));
  }
}
