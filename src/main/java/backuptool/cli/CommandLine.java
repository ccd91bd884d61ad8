package backuptool.cli;

import backuptool.model.Suffix;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.MutuallyExclusiveGroup;
import net.sourceforge.argparse4j.inf.Namespace;

/** The argparse4j wiring: parses arguments into {@link Options} or a usage error. */
final class CommandLine {
  static final String PROG = "backup-tool";
  private static final Set<String> LONG_OPTIONS =
      Set.of(
          "--snapshot",
          "--backup",
          "--purge",
          "--status",
          "--check",
          "--pair",
          "--all",
          "--before-upgrade",
          "--suffix",
          "--verbose",
          "--quiet",
          "--wait",
          "--dry-run",
          "--json",
          "--warn",
          "--crit",
          "--config",
          "--help",
          "--version");
  private static final Set<String> TAKES_VALUE =
      Set.of("--pair", "--suffix", "--config", "--wait", "--warn", "--crit");

  /** The short options, by the long option they stand for. */
  private static final Map<String, String> SHORT = Map.of("-v", "--verbose", "-q", "--quiet");

  /** The only option that may be given more than once: each names one more pair. */
  private static final String REPEATABLE = "--pair";

  /** Longer than any night; a larger --wait is a typo. */
  private static final int MAX_WAIT_SECONDS = 86_400;

  /** A year: older than that, a backup is not "late", and a larger limit is a typo. */
  private static final int MAX_AGE_HOURS = 24 * 366;

  private CommandLine() {}

  static ArgumentParser parser() {
    ArgumentParser parser =
        ArgumentParsers.newFor(PROG)
            .addHelp(false)
            .locale(Locale.ROOT)
            .terminalWidthDetection(false)
            .defaultFormatWidth(80)
            .build()
            .usage(
                """
                ${prog} (--snapshot | --backup | --purge | --status | --check)
                                   (--pair NAME... | --all | --before-upgrade)
                                   [--suffix SUFFIX] [-v | -q] [--json] [--dry-run]
                                   [--wait SECONDS] [--warn HOURS] [--crit HOURS]
                                   [--config FILE] [-h] [--version]""")
            .description("Keeps btrfs snapshots and incremental backups, and explains each step.");
    MutuallyExclusiveGroup verbs = parser.addMutuallyExclusiveGroup("verb").required(true);
    for (Command command : Command.values()) {
      verbs
          .addArgument(command.flag())
          .dest("command")
          .action(Arguments.storeConst())
          .setConst(command)
          .help(command.help());
    }
    MutuallyExclusiveGroup which = parser.addMutuallyExclusiveGroup("pairs").required(true);
    which
        .addArgument("--pair")
        .metavar("NAME")
        .action(Arguments.append())
        .help("a pair of the configuration (repeat for more)");
    which
        .addArgument("--all")
        .action(Arguments.storeTrue())
        .help("every pair in the configuration");
    which
        .addArgument("--before-upgrade")
        .dest("before_upgrade")
        .action(Arguments.storeTrue())
        .help("pairs with snapshot_before_upgrade = true (apt hook)");
    parser
        .addArgument("--suffix")
        .metavar("SUFFIX")
        .help("append -SUFFIX to the snapshot name (--snapshot only)");
    MutuallyExclusiveGroup output = parser.addMutuallyExclusiveGroup("output");
    output
        .addArgument("-v", "--verbose")
        .action(Arguments.storeTrue())
        .help("also show ignored entries and the exact btrfs commands");
    output
        .addArgument("-q", "--quiet")
        .action(Arguments.storeTrue())
        .help("print only problems and failing pairs (for cron)");
    parser
        .addArgument("--dry-run")
        .action(Arguments.storeTrue())
        .help("print the plan and change nothing");
    parser
        .addArgument("--json")
        .action(Arguments.storeTrue())
        .help("print one JSON document instead of text (docs/json.md)");
    parser
        .addArgument("--wait")
        .metavar("SECONDS")
        .type(Integer.class)
        .help("wait up to SECONDS for busy pairs, then skip them");
    parser
        .addArgument("--warn")
        .metavar("HOURS")
        .type(Integer.class)
        .help("--check: warn above HOURS (default stale_after_hours)");
    parser
        .addArgument("--crit")
        .metavar("HOURS")
        .type(Integer.class)
        .help("--check: critical above HOURS (default twice --warn)");
    parser
        .addArgument("--config")
        .metavar("FILE")
        .help("the configuration file (default: see below)");
    parser
        .addArgument("-h", "--help")
        .action(Arguments.storeTrue())
        .help("show this help and exit");
    parser.addArgument("--version").action(Arguments.storeTrue()).help("show the version and exit");
    return parser;
  }

  static String help() {
    return parser().formatHelp() + "\n" + ExitCode.TABLE;
  }

  static String usage() {
    return parser().formatUsage();
  }

  /** True when the arguments ask for help or the version, which need nothing else. */
  static boolean asks(String[] args, String... flags) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (List.of(flags).contains(arg)) {
        return true;
      }
    }
    return false;
  }

  static Options parse(String[] args) throws UsageException {
    rejectAbbreviationsAndRepeats(args);
    Namespace ns;
    try {
      ns = parser().parseArgs(args);
    } catch (ArgumentParserException e) {
      throw new UsageException(e.getMessage().replaceAll(" {2,}", " "));
    }
    Command command = ns.get("command");
    Integer wait = ns.getInt("wait");
    if (wait != null && (wait < 0 || wait > MAX_WAIT_SECONDS)) {
      throw new UsageException(
          "--wait " + wait + " cannot be used: give 0 to " + MAX_WAIT_SECONDS + " seconds");
    }
    Optional<Duration> warn = hours(ns, "warn", command);
    Optional<Duration> crit = hours(ns, "crit", command);
    if (warn.isPresent() && crit.isPresent() && warn.get().compareTo(crit.get()) > 0) {
      throw new UsageException(
          "--warn "
              + warn.get().toHours()
              + " is above --crit "
              + crit.get().toHours()
              + ": a backup turns WARNING before it turns CRITICAL; give --warn at most --crit");
    }
    boolean json = ns.getBoolean("json");
    boolean dryRun = ns.getBoolean("dry_run");
    if (dryRun && (command == Command.STATUS || command == Command.CHECK)) {
      throw new UsageException(
          command.flag() + " changes nothing; --dry-run is for the verbs that do");
    }
    if (json && (ns.getBoolean("quiet") || ns.getBoolean("verbose"))) {
      throw new UsageException(
          "--json prints one document with everything -v shows; it takes neither -v nor -q");
    }
    List<String> named = ns.getList("pair");
    List<String> pairs = named == null ? List.of() : List.copyOf(new LinkedHashSet<>(named));
    Optional<String> suffix = Optional.ofNullable(ns.getString("suffix"));
    boolean beforeUpgrade = ns.getBoolean("before_upgrade");
    if (beforeUpgrade && command != Command.SNAPSHOT) {
      throw new UsageException("--before-upgrade can only be used with --snapshot");
    }
    if (suffix.isPresent() && command != Command.SNAPSHOT) {
      throw new UsageException("--suffix can only be used with --snapshot");
    }
    if (suffix.isPresent()) {
      Optional<String> problem = Suffix.problem(suffix.get());
      if (problem.isPresent()) {
        throw new UsageException(
            "--suffix " + Quote.shown(suffix.get()) + " cannot be used: " + problem.get());
      }
    }
    Options.Output output =
        ns.getBoolean("quiet")
            ? Options.Output.QUIET
            : ns.getBoolean("verbose") ? Options.Output.VERBOSE : Options.Output.NORMAL;
    if (wait != null && (command == Command.STATUS || command == Command.CHECK)) {
      throw new UsageException(
          command.flag() + " takes no lock, so there is nothing to --wait for");
    }
    return new Options(
        command,
        pairs,
        beforeUpgrade,
        suffix,
        output,
        dryRun,
        Optional.ofNullable(ns.getString("config")),
        Duration.ofSeconds(wait == null ? 0 : wait),
        json,
        warn,
        crit);
  }

  /** --warn or --crit: hours, only with --check. */
  private static Optional<Duration> hours(Namespace ns, String name, Command command)
      throws UsageException {
    Integer hours = ns.getInt(name);
    if (hours == null) {
      return Optional.empty();
    }
    if (command != Command.CHECK) {
      throw new UsageException("--" + name + " can only be used with --check");
    }
    if (hours < 1 || hours > MAX_AGE_HOURS) {
      throw new UsageException(
          "--" + name + " " + hours + " cannot be used: give 1 to " + MAX_AGE_HOURS + " hours");
    }
    return Optional.of(Duration.ofHours(hours));
  }

  /**
   * argparse4j accepts any unambiguous prefix ("--snap"), which in scripts only hides typos, and
   * lets the last of a repeated option win, which silently drops the others: both are refused.
   */
  private static void rejectAbbreviationsAndRepeats(String[] args) throws UsageException {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return;
      }
      String written = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String name = SHORT.getOrDefault(written, written);
      if (!name.startsWith("--")) {
        continue;
      }
      if (!LONG_OPTIONS.contains(name)) {
        String meant =
            LONG_OPTIONS.stream()
                .filter(o -> o.startsWith(name))
                .sorted()
                .findFirst()
                .map(o -> " (did you mean " + o + "?)")
                .orElse("");
        throw new UsageException("unrecognized option " + Quote.shown(name) + meant);
      }
      if (!seen.add(name) && !name.equals(REPEATABLE)) {
        throw new UsageException(name + " was given more than once; give it once");
      }
      if (TAKES_VALUE.contains(arg)) {
        i++; // the next word is this option's value, whatever it looks like
      }
    }
  }
}
