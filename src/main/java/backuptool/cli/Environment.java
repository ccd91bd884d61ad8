package backuptool.cli;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.RealBtrfs;
import backuptool.journal.FileReceiveJournal;
import backuptool.journal.ReceiveJournal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

/**
 * The outside world as the command line sees it: btrfs, the receive journal, the clock, signals,
 * where to look for the configuration, and where pair locks live unless the configuration says
 * otherwise.
 */
public record Environment(
    Btrfs btrfs,
    ReceiveJournal journal,
    Clock clock,
    Interruption interruption,
    Path workingDir,
    Path systemConfig,
    Path lockDir) {

  static Environment real() {
    return new Environment(
        new RealBtrfs(),
        new FileReceiveJournal(),
        Clock.system(ZoneId.systemDefault()),
        Interruption.onSignals(),
        Path.of("").toAbsolutePath(),
        Path.of("/etc/backup-tool/backup_config.toml"),
        Path.of("/run/lock/backup-tool"));
  }
}
