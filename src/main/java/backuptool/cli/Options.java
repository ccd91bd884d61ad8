package backuptool.cli;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Valid command-line options: one command, the pairs named (each once, empty for --all and
 * --before-upgrade), a suffix only for snapshots, how much to print, and how long to wait for busy
 * pairs. {@code json}: one JSON document instead of the text. {@code warnAfter} and {@code
 * critAfter}: --check's limits on the age of a pair's newest backup and snapshot, when given.
 * {@code beforeUpgrade}: the pairs whose configuration says snapshot_before_upgrade = true
 * (--snapshot only; the apt hook's selection).
 */
record Options(
    Command command,
    List<String> pairs,
    boolean beforeUpgrade,
    Optional<String> suffix,
    Output output,
    boolean dryRun,
    Optional<String> config,
    Duration busyWait,
    boolean json,
    Optional<Duration> warnAfter,
    Optional<Duration> critAfter) {

  Options {
    pairs = List.copyOf(pairs);
  }

  /** How much a run prints: -q, the default, or -v. */
  enum Output {
    /** Nothing when all went well; the problems and the failing pairs' plans otherwise. */
    QUIET,
    NORMAL,
    /** Also ignored entries and the exact btrfs command lines. */
    VERBOSE
  }

  boolean all() {
    return pairs.isEmpty() && !beforeUpgrade;
  }
}
