package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.JsonDocument;
import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --json on the planning verbs: one document on stdout with every step of the same plan the text
 * shows, and for runs each operation's result; errors stay on stderr and exit codes are unchanged.
 */
class JsonScenariosTest {
  @TempDir Path tmp;

  @Test
  void aDryRunAndARealBackupWithAFailure() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    String dry = s.run("--backup", "--all", "--dry-run", "--json");
    assertEquals(0, s.lastExit, dry);
    JsonDocument.assertValid(s.lastStdout);
    s.btrfs.failNext(
        "send /btrfs/snapshots/home/2026-11-21T10:00:00", "ERROR: write: No space left on device");
    String run = s.run("--backup", "--all", "--json");
    assertEquals(1, s.lastExit, run);
    JsonDocument.assertValid(s.lastStdout);
    Approvals.verify(dry + "\n" + run);
  }

  @Test
  void purgeAndSnapshotAndAPairThatCannotBeDone() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS).mkdirs(Scenario.ROOT_BACKUPS);
    s.snapshot("root", "2026-09-01T10:00:00")
        .snapshot("root", "2026-11-20T10:00:00")
        .backedUp("root", "2026-11-20T10:00:00");
    String purge = s.config(Scenario.config(1, 7, 20, 90)).run("--purge", "--all", "--json");
    assertEquals(1, s.lastExit, "home's directories are missing: " + purge);
    JsonDocument.assertValid(s.lastStdout);
    String snapshot = s.run("--snapshot", "--pair", "root", "--suffix", "pre-upgrade", "--json");
    assertEquals(0, s.lastExit, snapshot);
    JsonDocument.assertValid(s.lastStdout);
    Approvals.verify(purge + "\n" + snapshot);
  }

  @Test
  void oddNamesAreEscaped() {
    // A snapshot directory may hold anything; what is listed must still be valid JSON.
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS.resolve("tab\there \"quoted\" back\\slash \u2028 é"));
    String dry = s.run("--backup", "--pair", "root", "--dry-run", "--json");
    JsonDocument.assertValid(s.lastStdout);
    assertTrue(s.lastStdout.contains("tab\\there \\\"quoted\\\" back\\\\slash \\u2028 é"), dry);
  }
}
