package backuptool.cli;

import backuptool.plan.Verb;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Valid command-line options: one verb, the pairs named (each once, empty for --all and
 * --before-upgrade), a suffix only for snapshots, how much to print, and how long to wait for busy
 * pairs. {@code beforeUpgrade}: the pairs whose configuration says snapshot_before_upgrade = true
 * (--snapshot only; the apt hook's selection).
 */
record Options(
    Verb verb,
    List<String> pairs,
    boolean beforeUpgrade,
    Optional<String> suffix,
    Output output,
    boolean dryRun,
    Optional<String> config,
    Duration busyWait) {

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
