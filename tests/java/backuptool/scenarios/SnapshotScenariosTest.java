package backuptool.scenarios;

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
