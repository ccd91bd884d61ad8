package backuptool.cli;

import backuptool.plan.Verb;

/**
 * What a run does: one of the three verbs that plan and change things, or one of the two reports
 * that only look. The command layer switches over it without a default, so that the compiler
 * rejects a command that is not handled.
 */
enum Command {
  SNAPSHOT("--snapshot", "take a read-only snapshot of each selected pair"),
  BACKUP("--backup", "send the snapshots the target lacks and would keep"),
  PURGE("--purge", "delete what each side's retention no longer keeps"),
  STATUS("--status", "show each pair's backups and health; change nothing"),
  CHECK("--check", "monitoring-plugin check of the newest backups' ages");

  private final String flag;
  private final String help;

  Command(String flag, String help) {
    this.flag = flag;
    this.help = help;
  }

  String flag() {
    return flag;
  }

  String help() {
    return help;
  }

  /** The command's name without its dashes: "backup"; the metrics file's verb label. */
  String label() {
    return flag.substring(2);
  }

  /** The planning verb this command runs; only for SNAPSHOT, BACKUP and PURGE. */
  Verb verb() {
    return switch (this) {
      case SNAPSHOT -> Verb.SNAPSHOT;
      case BACKUP -> Verb.BACKUP;
      case PURGE -> Verb.PURGE;
      case STATUS, CHECK -> throw new IllegalStateException(flag + " makes no plan");
    };
  }
}
