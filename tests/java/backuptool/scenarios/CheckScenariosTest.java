package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.JsonDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --check: one monitoring-plugin line with performance data, and the plugin's exit codes: 0 OK, 1
 * WARNING, 2 CRITICAL, 3 UNKNOWN. The clock stands at {@link Scenario#NOW}, 2026-11-22T12:00:00.
 */
class CheckScenariosTest {
  @TempDir Path tmp;

  private static Scenario twoPairs(Path dir, String rootNewest, String homeNewest)
      throws IOException {
    return Scenario.standard(Files.createDirectories(dir))
        .snapshot("root", rootNewest)
        .backedUp("root", rootNewest)
        .snapshot("home", homeNewest)
        .backedUp("home", homeNewest);
  }

  @Test
  void okWarningAndCriticalByTheLimitsGivenOrTheConfigurations() throws IOException {
    StringBuilder all = new StringBuilder();
    Scenario fresh = twoPairs(tmp.resolve("fresh"), "2026-11-22T10:00:00", "2026-11-22T09:00:00");
    all.append(fresh.run("--check", "--all")).append('\n');
    assertEquals(0, fresh.lastExit);
    // 30 hours: beyond stale_after_hours' default 26 (WARNING), not beyond twice it.
    Scenario late = twoPairs(tmp.resolve("late"), "2026-11-21T06:00:00", "2026-11-22T09:00:00");
    all.append(late.run("--check", "--all")).append('\n');
    assertEquals(1, late.lastExit);
    all.append(late.run("--check", "--all", "--warn", "12", "--crit", "24")).append('\n');
    assertEquals(2, late.lastExit);
    all.append(late.run("--check", "--pair", "home", "--warn", "2")).append('\n');
    assertEquals(1, late.lastExit);
    all.append(late.run("--check", "--all", "--crit", "20")).append('\n');
    assertEquals(2, late.lastExit, "--crit alone below the default warning limit");
    all.append(late.run("--check", "--all", "--json")).append('\n');
    assertEquals(1, late.lastExit, "the same exit code with --json");
    JsonDocument.assertValid(late.lastStdout);
    Approvals.verify(all.toString());
  }

  @Test
  void noBackupOrAnUnreadableSideIsCriticalAndAUsageErrorUnknown() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS).mkdirs(Scenario.ROOT_BACKUPS).mkdirs(Scenario.HOME_SNAPS);
    s.snapshot("root", "2026-11-22T10:00:00");
    StringBuilder all = new StringBuilder();
    all.append(s.run("--check", "--all")).append('\n');
    assertEquals(2, s.lastExit);
    all.append(s.run("--check", "--pair", "nosuchpair")).append('\n');
    assertEquals(3, s.lastExit);
    all.append(s.run("--check")).append('\n');
    assertEquals(3, s.lastExit);
    Approvals.verify(all.toString());
  }
}
