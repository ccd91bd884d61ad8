package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.JsonDocument;
import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --status: each pair's sides, common parent, unsent snapshots and incomplete receives, and one
 * verdict per pair (ok, stale, broken, unreachable), in text, with -v, and as JSON. It never
 * changes anything and takes no lock. The clock stands at {@link Scenario#NOW}.
 */
class StatusScenariosTest {
  @TempDir Path tmp;

  @Test
  void okWithAnUnsentSnapshotAndStaleByTheNewestBackup() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-21T10:00:00")
            .backedUp("root", "2026-11-21T10:00:00")
            .snapshot("root", "2026-11-22T10:00:00")
            .backedUp("root", "2026-11-22T10:00:00")
            .snapshot("root", "2026-11-22T11:00:00")
            .snapshot("home", "2026-11-19T10:00:00")
            .backedUp("home", "2026-11-19T10:00:00")
            .snapshot("home", "2026-11-22T06:00:00");
    String text = s.run("--status", "--all");
    assertEquals(0, s.lastExit, text);
    String verbose = s.run("--status", "--pair", "root", "-v");
    String json = s.run("--status", "--all", "--json");
    JsonDocument.assertValid(s.lastStdout);
    Approvals.verify(text + "\n" + verbose + "\n" + json);
  }

  @Test
  void brokenWhenNoSnapshotHasItsBackupAndUnreachableWhenASideCannotBeRead() {
    Scenario s = Scenario.bare(tmp).config(Scenario.config(10, 30, 20, 90));
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS).mkdirs(Scenario.ROOT_BACKUPS).mkdirs(Scenario.HOME_SNAPS);
    s.snapshot("root", "2026-11-20T10:00:00")
        .backedUp("root", "2026-11-20T10:00:00")
        .deleted(Scenario.ROOT_SNAPS.resolve("2026-11-20T10:00:00"))
        .snapshot("root", "2026-11-22T10:00:00")
        .snapshot("home", "2026-11-22T10:00:00"); // home's backup directory is missing
    String text = s.run("--status", "--all");
    assertEquals(1, s.lastExit, "a side that cannot be read leaves its state unknown: " + text);
    String json = s.run("--status", "--all", "--json");
    assertEquals(1, s.lastExit, json);
    JsonDocument.assertValid(s.lastStdout);
    Approvals.verify(text + "\n" + json);
  }

  @Test
  void staleWithoutSnapshotsOrBackupsYetAndByTheNewestSnapshot() {
    Scenario s =
        Scenario.standard(tmp)
            .config(
                "[global]\nstale_after_hours = 12\n\n"
                    + Scenario.pairToml(
                        "root", "/", Scenario.ROOT_SNAPS, Scenario.ROOT_BACKUPS, 10, 30, 20, 90)
                    + "\n"
                    + Scenario.pairToml(
                            "home",
                            "/home",
                            Scenario.HOME_SNAPS,
                            Scenario.HOME_BACKUPS,
                            10,
                            30,
                            20,
                            90)
                        .replace(
                            "target_retention_count",
                            "stale_after_hours = 100\ntarget_retention_count"));
    String empty = s.run("--status", "--all");
    s.snapshot("root", "2026-11-21T10:00:00").snapshot("home", "2026-11-21T10:00:00");
    String noBackup = s.run("--status", "--all");
    s.backedUp("root", "2026-11-21T10:00:00").backedUp("home", "2026-11-21T10:00:00");
    // Root's limit is [global]'s 12 hours, home's its own 100: only root is stale.
    String limits = s.run("--status", "--all");
    assertEquals(0, s.lastExit, limits);
    assertTrue(limits.contains("stale: newest backup 1 day 2 hours old, beyond 12 hours"), limits);
    Approvals.verify(empty + "\n" + noBackup + "\n" + limits);
  }

  @Test
  void incompleteReceivesAreShownAndQuietShowsOnlyPairsThatAreNotOk() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-22T10:00:00")
            .backedUp("root", "2026-11-22T10:00:00")
            .snapshot("root", "2026-11-22T11:00:00")
            .snapshot("home", "2026-11-22T10:00:00")
            .backedUp("home", "2026-11-22T10:00:00");
    // What a run killed in the middle of a send leaves, and one that no run of the tool left.
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-22T11:00:00"));
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-22T11:00:00");
    s.btrfs.createSubvolume(Scenario.HOME_BACKUPS.resolve("2026-11-21T09:00:00"));
    String text = s.run("--status", "--all");
    String quietAllOk = s.run("--status", "--all", "-q");
    assertEquals(0, s.lastExit, quietAllOk);
    s.deleted(Scenario.HOME_BACKUPS.resolve("2026-11-22T10:00:00"));
    String quietOneNotOk = s.run("--status", "--all", "-q");
    Approvals.verify(text + "\n" + quietAllOk + "\n" + quietOneNotOk);
  }

  @Test
  void statusAndCheckChangeNothingAndRefuseOptionsThatChangeThings() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-22T10:00:00");
    StringBuilder all = new StringBuilder();
    for (String[] args :
        new String[][] {
          {"--status", "--all", "--dry-run"},
          {"--status", "--all", "--wait", "5"},
          {"--status", "--all", "--suffix", "x"},
          {"--status", "--all", "--warn", "5"},
          {"--backup", "--all", "--json", "-v"},
          {"--check", "--all", "--warn", "48", "--crit", "24"},
          {"--check", "--all", "--crit", "0"},
        }) {
      all.append(s.run(args)).append('\n');
      // --check speaks the monitoring-plugin convention even about its own usage: 3, UNKNOWN.
      assertEquals(args[0].equals("--check") ? 3 : 2, s.lastExit, String.join(" ", args));
    }
    Approvals.verify(all.toString());
  }
}
