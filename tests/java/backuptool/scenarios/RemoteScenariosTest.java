package backuptool.scenarios;

import backuptool.TestConfigs;
import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees of pairs with a side on another machine: ssh:// locations wherever a place is
 * named, and with -v the exact ssh command lines (the run's socket directory is fixed here, see
 * {@link FakeHosts}). Every machine is the one fake, so the btrfs changes show as on one machine.
 */
class RemoteScenariosTest {
  @TempDir Path tmp;

  private static final String SSH =
      """
      [ssh]
      identity_file = "/root/.ssh/id_backup"
      known_hosts_file = "/etc/backup-tool/known_hosts"
      cipher = "aes128-gcm@openssh.com"

      """;

  private static String pair(String name, String volume, String source, String target) {
    return TestConfigs.pair(name, volume, source, target, 10, 30, 20, 90);
  }

  private static final String PUSH =
      pair("root", "/", "/btrfs/snapshots/root", "ssh://backup@nas/backup/root");

  private static final String PULL =
      pair("home", "ssh://web:2222/home", "ssh://web:2222/btrfs/snapshots/home", "/backup/home");

  @Test
  void pushFullThenIncrementalThenPurgeShowTheServerAndTheSshCommands() {
    Scenario s = Scenario.standard(tmp).remote().config(SSH + PUSH);
    s.snapshot("root", "2026-11-20T10:00:00").snapshot("root", "2026-11-21T10:00:00");
    String first = s.run("--backup", "--pair", "root", "-v");
    s.snapshot("root", "2026-11-22T10:00:00");
    Approvals.verify(
        first
            + "\n"
            + s.run("--backup", "--pair", "root", "-v")
            + "\n"
            + s.config(
                    SSH
                        + PUSH.replace("target_retention_count = 20", "target_retention_count = 1")
                            .replace("target_retention_days = 90", "target_retention_days = 0"))
                .run("--purge", "--pair", "root", "-v", "--dry-run")
            + "\n"
            + s.run("--status", "--pair", "root"));
  }

  @Test
  void pullSnapshotsOnTheOtherMachineAndBacksUpHere() {
    Scenario s =
        Scenario.standard(tmp).remote().config(SSH + PULL).snapshot("home", "2026-11-20T10:00:00");
    String snapshot = s.run("--snapshot", "--pair", "home", "-v");
    Approvals.verify(
        snapshot
            + "\n"
            + s.run("--backup", "--pair", "home", "-v")
            + "\n"
            + s.config(
                    SSH
                        + PULL.replace("retention_count = 10", "retention_count = 1")
                            .replace("retention_days = 30", "retention_days = 0"))
                .run("--purge", "--pair", "home", "-v"));
  }

  @Test
  void aLeftoverOfAnInterruptedPushIsRemovedOverSshAndSentAgain() {
    Scenario s =
        Scenario.standard(tmp)
            .remote()
            .config(SSH + PUSH)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00");
    // What a run killed in the middle of the second send leaves on the server, and its record
    // on this machine (the journal of the server's directories).
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    s.remoteJournals
        .computeIfAbsent("nas:22", m -> new backuptool.journal.MemoryReceiveJournal())
        .started(Scenario.ROOT_BACKUPS, "2026-11-21T10:00:00");
    Approvals.verify(
        s.run("--backup", "--pair", "root", "-v") + "\n" + s.run("--backup", "--pair", "root"));
  }

  @Test
  void twoKeysToOneHostUseTwoMasterConnections() {
    Scenario s =
        Scenario.standard(tmp)
            .remote()
            .config(
                SSH
                    + PUSH
                    + "\n"
                    + pair("home", "/home", "/btrfs/snapshots/home", "ssh://backup@nas/backup/home")
                    + "\n[backup_pairs.ssh]\nidentity_file = \"/root/.ssh/id_restricted\"\n");
    s.snapshot("root", "2026-11-20T10:00:00").snapshot("home", "2026-11-20T10:00:00");
    Approvals.verify(s.run("--backup", "--all", "-v", "--dry-run"));
  }
}
