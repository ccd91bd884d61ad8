package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotScenariosTest {
  @TempDir Path tmp;

  @Test
  void onePairWithSuffix() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.run("--snapshot", "--pair=root", "--suffix=pre-upgrade"));
  }

  /** The apt hook's run: only the pairs whose configuration asks for it, nothing when none does. */
  @Test
  void beforeUpgradeSnapshotsOnlyThePairsThatAskForIt() {
    Scenario s = Scenario.standard(tmp);
    String none = s.run("--snapshot", "--before-upgrade", "--suffix=pre-upgrade");
    assertEquals(0, s.lastExit);
    String quietNone = s.run("--snapshot", "--before-upgrade", "--suffix=pre-upgrade", "-q");
    assertEquals(0, s.lastExit);
    s.config(
        Scenario.pairToml("root", "/", Scenario.ROOT_SNAPS, Scenario.ROOT_BACKUPS, 10, 30, 20, 90)
                .replace("name = \"root\"\n", "name = \"root\"\nsnapshot_before_upgrade = true\n")
            + "\n"
            + Scenario.pairToml(
                    "home", "/home", Scenario.HOME_SNAPS, Scenario.HOME_BACKUPS, 10, 30, 20, 90)
                .replace(
                    "name = \"home\"\n", "name = \"home\"\nsnapshot_before_upgrade = false\n"));
    String root = s.run("--snapshot", "--before-upgrade", "--suffix=pre-upgrade");
    assertEquals(0, s.lastExit);
    Approvals.verify(none + "\n" + quietNone + "\n" + root);
  }

  @Test
  void allPairsShareOneTimestamp() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.run("--snapshot", "--all", "-v"));
  }

  @Test
  void dryRunChangesNothing() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.run("--snapshot", "--all", "--dry-run"));
  }

  @Test
  void refusedWhenTheNameIsTakenOrTheDirectoryIsMissing() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS);
    s.snapshot("root", "2026-11-22T12:00:00-again");
    Approvals.verify(s.run("--snapshot", "--all", "--suffix", "again"));
  }

  @Test
  void refusedWhenTheVolumeIsNotASubvolumeOrOnAnotherFilesystem() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mount(Path.of("/btrfs"), "btrfs").mkdirs(Scenario.ROOT_SNAPS).mkdirs(Path.of("/plain"));
    s.config(
        Scenario.pairToml("root", "/", Scenario.ROOT_SNAPS, Scenario.ROOT_BACKUPS, 10, 30, 20, 90)
            + Scenario.pairToml(
                "plain",
                "/plain",
                Path.of("/plain-snaps"),
                Path.of("/backup/plain"),
                10,
                30,
                20,
                90));
    Approvals.verify(s.run("--snapshot", "--all"));
  }
}
