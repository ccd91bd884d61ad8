package backuptool.cli;

import backuptool.plan.Verb;
import java.util.Optional;

/** Valid command-line options: one verb, one pair or all, a suffix only for snapshots. */
record Options(
    Verb verb,
    Optional<String> pair,
    Optional<String> suffix,
    boolean verbose,
    boolean dryRun,
    Optional<String> config) {}
