package backuptool.cli;

/** The exit codes; their meanings never change, new ones may be added. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int LOCKED = 3;

  static final String TABLE =
      """
      exit codes:
        0  success (also: nothing to do)
        1  an operation failed, or a pair could not be done (--status: a side
           of a pair could not be read)
        2  usage or configuration error, not root, or a configuration file or
           lock directory that another user could change; nothing was changed
        3  a selected pair was busy (another run held its lock) and was skipped;
           the other pairs ran and none failed
        129, 130, 143  stopped by SIGHUP, SIGINT or SIGTERM: the running
                       operation was stopped and its partial backup removed;
                       the rest was not run
        --check alone: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage
                       and configuration errors), the monitoring-plugin convention

      configuration: --config FILE, else ./backup_config.toml, else
      /etc/backup-tool/backup_config.toml; the shipped backup_config.toml
      documents every key.
      """;

  private ExitCode() {}
}
