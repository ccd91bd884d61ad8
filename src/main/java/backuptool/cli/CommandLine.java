package backuptool.cli;

import backuptool.model.Suffix;
import backuptool.plan.Verb;
import java.util.List;
import java.util.Locale;
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
          "--pair",
          "--all",
          "--suffix",
          "--verbose",
          "--dry-run",
          "--config",
          "--help",
          "--version");
  private static final Set<String> TAKES_VALUE = Set.of("--pair", "--suffix", "--config");

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
                ${prog} (--snapshot | --backup | --purge) (--pair NAME | --all)
                                   [--suffix SUFFIX] [-v] [--dry-run] [--config FILE]
                                   [-h] [--version]""")
            .description("Keeps btrfs snapshots and incremental backups, and explains each step.");
    MutuallyExclusiveGroup verbs = parser.addMutuallyExclusiveGroup("verb").required(true);
    verbs
        .addArgument("--snapshot")
        .dest("verb")
        .action(Arguments.storeConst())
        .setConst(Verb.SNAPSHOT)
        .help("take a read-only snapshot of each selected pair");
    verbs
        .addArgument("--backup")
        .dest("verb")
        .action(Arguments.storeConst())
        .setConst(Verb.BACKUP)
        .help("send the snapshots that the target lacks, incrementally");
    verbs
        .addArgument("--purge")
        .dest("verb")
        .action(Arguments.storeConst())
        .setConst(Verb.PURGE)
        .help("delete what each side's retention no longer keeps");
    MutuallyExclusiveGroup which = parser.addMutuallyExclusiveGroup("pairs").required(true);
    which.addArgument("--pair").metavar("NAME").help("the pair of that name in the configuration");
    which
        .addArgument("--all")
        .action(Arguments.storeTrue())
        .help("every pair in the configuration");
    parser
        .addArgument("--suffix")
        .metavar("SUFFIX")
        .help("append -SUFFIX to the snapshot name (--snapshot only)");
    parser
        .addArgument("-v", "--verbose")
        .action(Arguments.storeTrue())
        .help("also show ignored entries and the exact btrfs commands");
    parser
        .addArgument("--dry-run")
        .action(Arguments.storeTrue())
        .help("print the plan and change nothing");
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
    rejectAbbreviations(args);
    Namespace ns;
    try {
      ns = parser().parseArgs(args);
    } catch (ArgumentParserException e) {
      throw new UsageException(e.getMessage().replaceAll(" {2,}", " "));
    }
    Verb verb = ns.get("verb");
    Optional<String> suffix = Optional.ofNullable(ns.getString("suffix"));
    if (suffix.isPresent() && verb != Verb.SNAPSHOT) {
      throw new UsageException("--suffix can only be used with --snapshot");
    }
    if (suffix.isPresent()) {
      Optional<String> problem = Suffix.problem(suffix.get());
      if (problem.isPresent()) {
        throw new UsageException(
            "--suffix " + Quote.shown(suffix.get()) + " cannot be used: " + problem.get());
      }
    }
    return new Options(
        verb,
        Optional.ofNullable(ns.getString("pair")),
        suffix,
        ns.getBoolean("verbose"),
        ns.getBoolean("dry_run"),
        Optional.ofNullable(ns.getString("config")));
  }

  /** argparse4j accepts any unambiguous prefix ("--snap"); in scripts that only hides typos. */
  private static void rejectAbbreviations(String[] args) throws UsageException {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        return;
      }
      if (!arg.startsWith("--")) {
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
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
      if (TAKES_VALUE.contains(arg)) {
        i++; // the next word is this option's value, whatever it looks like
      }
    }
  }
}
