package backuptool.scenarios;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgeScenariosTest {
  @TempDir Path tmp;

  @Test
  void directoriesMissing() {
    Scenario s = Scenario.bare(tmp);
    Approvals.verify(s.run("--purge", "--all"));
  }

  @Test
  void directoriesEmpty() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.run("--purge", "--all"));
  }

  @Test
  void oneOldSnapshotIsKeptByTheCount() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-01-01T10:00:00")
            .backedUp("root", "2026-01-01T10:00:00");
    s.config(Scenario.config(1, 7, 1, 7));
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  @Test
  void threeOldSnapshotsWithCountTwoTheOldestGoesOnBothSides() {
    Scenario s = threeOldSnapshotsBackedUp();
    s.config(Scenario.config(2, 7, 2, 7));
    Approvals.verify(
        s.run("--purge", "--pair", "root", "-v") + "\n" + s.run("--purge", "--pair", "root"));
  }

  @Test
  void mixedAgesWithCountOneAndSevenDaysOnlyTheOldOnesGo() {
    Scenario s = Scenario.standard(tmp);
    for (String name :
        new String[] {
          "2026-10-01T10:00:00",
          "2026-11-01T10:00:00",
          "2026-11-14T10:00:00",
          "2026-11-16T10:00:00",
          "2026-11-20T10:00:00",
          "2026-11-22T11:00:00"
        }) {
      s.snapshot("root", name).backedUp("root", name);
    }
    s.config(Scenario.config(1, 7, 1, 7));
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  @Test
  void agesShowDaysAndHoursSoThatEachReasonIsVisiblyTrue() {
    Scenario s = Scenario.standard(tmp);
    for (String name :
        new String[] {
          "2026-10-23T07:00:00", "2026-10-23T12:00:00", "2026-10-23T13:00:00", "2026-11-22T11:00:00"
        }) {
      s.snapshot("root", name).backedUp("root", name);
    }
    s.config(Scenario.config(1, 30, 1, 30));
    Approvals.verify(s.run("--purge", "--pair", "root", "--dry-run"));
  }

  @Test
  void aSnapshotMadeLaterWithAnOlderNameAgesByItsNameOnBothSides() {
    // Made by hand after the others, so btrfs created it last; its name says it is the oldest.
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .backedUp("root", "2026-11-21T10:00:00")
            .snapshot("root", "2026-10-01")
            .backedUp("root", "2026-10-01");
    s.config(Scenario.config(2, 7, 2, 7));
    Approvals.verify(s.run("--purge", "--pair", "root", "--dry-run"));
  }

  @Test
  void neverTheNewestTheCommonParentOrASnapshotNotYetSent() {
    Scenario s = Scenario.standard(tmp);
    s.snapshot("root", "2026-08-01T10:00:00").backedUp("root", "2026-08-01T10:00:00");
    s.snapshot("root", "2026-08-02T10:00:00").backedUp("root", "2026-08-02T10:00:00");
    s.snapshot("root", "2026-08-03T10:00:00");
    s.snapshot("root", "2026-08-04T10:00:00");
    // The target would keep 2026-08-03 (younger than 112 days), so it is worth waiting for.
    s.config(Scenario.config(1, 0, 1, 112));
    Approvals.verify(s.run("--purge", "--pair", "root", "--dry-run"));
  }

  @Test
  void anUnsentSnapshotWaitsOnlyIfTheTargetWouldKeepIt() {
    Scenario s = Scenario.standard(tmp);
    s.snapshot("root", "2026-08-01T10:00:00").backedUp("root", "2026-08-01T10:00:00");
    s.snapshot("root", "2026-08-10T10:00:00");
    s.snapshot("root", "2026-09-01T10:00:00");
    s.snapshot("root", "2026-11-21T10:00:00");
    // The target keeps its newest 2: of the three unsent, only 2026-08-10 would not stay there.
    s.config(Scenario.config(1, 0, 2, 0));
    Approvals.verify(
        s.run("--purge", "--pair", "root") + "\n" + s.run("--backup", "--pair", "root"));
  }

  @Test
  void theCommonParentIsKeptOnBothSidesWhenNewerBackupsAreOfPurgedSnapshots() {
    Scenario s = Scenario.standard(tmp);
    s.snapshot("root", "2026-08-01T10:00:00").backedUp("root", "2026-08-01T10:00:00");
    s.snapshot("root", "2026-08-02T10:00:00").backedUp("root", "2026-08-02T10:00:00");
    s.btrfs.addReceived(
        Scenario.ROOT_BACKUPS.resolve("2026-08-05T10:00:00"),
        "12345678-0000-0000-0000-000000000000");
    s.snapshot("root", "2026-08-06T10:00:00");
    s.config(Scenario.config(1, 0, 1, 0));
    Approvals.verify(s.run("--purge", "--pair", "root", "--dry-run"));
  }

  @Test
  void dryRunTrueInTheConfigChangesNothing() {
    Scenario s = threeOldSnapshotsBackedUp();
    s.config("[global]\ndry_run = true\n\n" + Scenario.config(1, 7, 1, 7));
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  @Test
  void defaultVerboseInTheConfigShowsCommands() {
    Scenario s = threeOldSnapshotsBackedUp();
    s.config("[global]\ndefault_verbose = true\n\n" + Scenario.config(1, 7, 1, 7));
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  @Test
  void snapshotsDatedInTheFutureAreKept() {
    Scenario s = Scenario.standard(tmp);
    for (String name :
        new String[] {"2026-09-01T10:00:00", "2026-09-02T10:00:00", "2027-01-01T10:00:00"}) {
      s.snapshot("root", name).backedUp("root", name);
    }
    s.config(Scenario.config(1, 7, 1, 7));
    Approvals.verify(s.run("--purge", "--pair", "root", "--dry-run"));
  }

  @Test
  void aFailedDeleteIsReported() {
    Scenario s = threeOldSnapshotsBackedUp();
    s.config(Scenario.config(1, 7, 1, 7));
    s.btrfs.failNext(
        "delete /btrfs/snapshots/root",
        "ERROR: Could not destroy subvolume: Device or resource busy");
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  /** Snapshots of Sep 1, 2 and 3, each backed up. */
  private Scenario threeOldSnapshotsBackedUp() {
    Scenario s = Scenario.standard(tmp);
    for (String name :
        new String[] {"2026-09-01T10:00:00", "2026-09-02T10:00:00", "2026-09-03T10:00:00"}) {
      s.snapshot("root", name).backedUp("root", name);
    }
    return s;
  }
}
