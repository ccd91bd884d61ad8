package backuptool.cli;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.RealBtrfs;
import java.nio.file.Path;
import java.time.Clock;

/** The outside world as the command line sees it: btrfs, the clock and where to look for config. */
public record Environment(Btrfs btrfs, Clock clock, Path workingDir, Path systemConfig) {

  static Environment real() {
    return new Environment(
        new RealBtrfs(),
        Clock.systemDefaultZone(),
        Path.of("").toAbsolutePath(),
        Path.of("/etc/backup-tool/backup_config.toml"));
  }
}
