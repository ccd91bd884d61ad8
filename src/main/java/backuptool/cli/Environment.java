package backuptool.cli;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.RealBtrfs;
import backuptool.hosts.Remotes;
import backuptool.journal.FileReceiveJournal;
import backuptool.journal.ReceiveJournal;
import backuptool.remote.SshRemotes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The outside world as the command line sees it: btrfs and the receive journal on this machine, the
 * clock, signals, where to look for the configuration, where pair locks live unless the
 * configuration says otherwise, who the run is, whether standard error is a terminal (someone
 * watching, for whom a running send redraws its progress line), and how the run reaches other
 * machines. {@code stderrToJournal}: standard error is the journal's stream ($JOURNAL_STREAM names
 * it), so its lines carry syslog priorities. {@code nanoTime}: a monotonic clock in nanoseconds for
 * durations ({@link System#nanoTime} but in tests), which, unlike {@code clock}, never jumps.
 */
public record Environment(
    Btrfs btrfs,
    ReceiveJournal journal,
    Clock clock,
    Interruption interruption,
    Path workingDir,
    Path systemConfig,
    Path lockDir,
    Privileges privileges,
    boolean stderrToJournal,
    LongSupplier nanoTime,
    boolean stderrIsTerminal,
    Remotes remotes) {

  /** An environment without other machines. */
  public Environment(
      Btrfs btrfs,
      ReceiveJournal journal,
      Clock clock,
      Interruption interruption,
      Path workingDir,
      Path systemConfig,
      Path lockDir,
      Privileges privileges,
      boolean stderrToJournal,
      LongSupplier nanoTime,
      boolean stderrIsTerminal) {
    this(
        btrfs,
        journal,
        clock,
        interruption,
        workingDir,
        systemConfig,
        lockDir,
        privileges,
        stderrToJournal,
        nanoTime,
        stderrIsTerminal,
        Remotes.NONE);
  }

  /**
   * The default lock directory: directly below /run, which only root can write, so that no other
   * user can create it first (as anyone can in the world-writable /run/lock) and plant links in it.
   */
  static final Path DEFAULT_LOCK_DIR = Path.of("/run/backup-tool");

  static Environment real() {
    SystemClock clock = new SystemClock();
    StartAhead.begin(clock);
    return new Environment(
        new RealBtrfs(),
        new FileReceiveJournal(),
        clock,
        Interruption.onSignals(),
        Path.of("").toAbsolutePath(),
        Path.of("/etc/backup-tool/backup_config.toml"),
        DEFAULT_LOCK_DIR,
        Privileges.current(),
        Stderr.isJournal(System.getenv("JOURNAL_STREAM")),
        System::nanoTime,
        Terminal.stderr(),
        SshRemotes.real());
  }
}
