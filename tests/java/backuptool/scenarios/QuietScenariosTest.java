package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -q}, for cron and timers: a night that went well prints nothing, so cron sends no mail; a
 * problem prints the problems and the plan of the pair that failed, not the pairs that did well.
 */
class QuietScenariosTest {
  @TempDir Path tmp;

  @Test
  void nothingToDoOrAllDonePrintsNothing() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    String sent = s.run("--backup", "--all", "-q");
    assertEquals(0, s.lastExit, sent);
    String nothing = s.run("--backup", "--all", "--quiet");
    assertEquals(0, s.lastExit, nothing);
    String snapshot = s.run("--snapshot", "--all", "-q");
    assertEquals(0, s.lastExit, snapshot);
    String purge = s.run("--purge", "--all", "-q");
    assertEquals(0, s.lastExit, purge);
    Approvals.verify(sent + "\n" + nothing + "\n" + snapshot + "\n" + purge);
  }

  @Test
  void aFailurePrintsTheProblemsAndTheFailingPairsPlanOnly() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    s.btrfs.failNext(
        "send /btrfs/snapshots/root/2026-11-20T10:00:00", "ERROR: write: No space left on device");
    String failed = s.run("--backup", "--all", "-q");
    assertEquals(1, s.lastExit, failed);
    Approvals.verify(failed);
  }

  @Test
  void aPairThatCannotBeScannedIsShownInADryRunToo() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mkdirs(Scenario.HOME_SNAPS).mkdirs(Scenario.HOME_BACKUPS);
    s.snapshot("home", "2026-11-20T10:00:00"); // root's directories are missing
    String dry = s.run("--backup", "--all", "--dry-run", "-q");
    assertEquals(1, s.lastExit, dry);
    Approvals.verify(dry);
  }
}
