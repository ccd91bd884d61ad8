package backuptool.cli;

import backuptool.config.Config;
import backuptool.config.ConfigException;
import backuptool.config.ConfigLoader;
import backuptool.exec.Executor;
import backuptool.exec.Outcome;
import backuptool.hosts.Hosts;
import backuptool.metrics.PairRuns;
import backuptool.model.Pair;
import backuptool.model.SnapshotName;
import backuptool.plan.BackupPlanner;
import backuptool.plan.PairPlan;
import backuptool.plan.Plan;
import backuptool.plan.PlanRenderer;
import backuptool.plan.PurgePlanner;
import backuptool.plan.SnapshotPlanner;
import backuptool.report.RunJson;
import backuptool.scan.PairScan;
import backuptool.scan.Scanner;
import backuptool.status.Check;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One run of backup-tool: arguments, configuration, scan, plan, print, and (unless dry) execute.
 */
public final class Cli {
  private Cli() {}

  /**
   * Runs the tool and returns its exit code; prints the plan and results to out, problems to err.
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Environment env) {
    return run(args, out, err, () -> env);
  }

  /**
   * {@link #run(String[], PrintStream, PrintStream, Environment)}, making the environment only when
   * the run needs it: --help and --version print without one (making the real one, which reads the
   * time zone, the process's privileges and where its standard error leads, was a third of a cold
   * --version's time in Java).
   */
  public static int run(
      String[] args, PrintStream out, PrintStream err, Supplier<Environment> environment) {
    if (CommandLine.asks(args, "-h", "--help")) {
      out.print(CommandLine.help());
      return ExitCode.OK;
    }
    if (CommandLine.asks(args, "--version")) {
      out.println(CommandLine.PROG + " " + version());
      return ExitCode.OK;
    }
    Environment env = environment.get();
    return runCommand(args, out, new Stderr(err, env.stderrToJournal()), env);
  }

  /**
   * Exit 2 after a usage or configuration error; for --check the plugin's UNKNOWN and its line: a
   * monitoring system reads stdout and the plugin's exit codes, where 2 means CRITICAL. Decided
   * where the error is found, since a check's own CRITICAL is exit 2 too.
   */
  private static int refused(String[] args, PrintStream out) {
    if (!CommandLine.asks(args, "--check")) {
      return ExitCode.USAGE;
    }
    if (CommandLine.asks(args, "--json")) {
      return Check.State.UNKNOWN.exitCode(); // as every verb: no document after a usage error
    }
    out.println(
        "BACKUP-TOOL UNKNOWN - nothing was checked: a usage or configuration error, see the"
            + " error output");
    return Check.State.UNKNOWN.exitCode();
  }

  private static int runCommand(String[] args, PrintStream out, Stderr err, Environment env) {
    Options options;
    try {
      options = CommandLine.parse(args);
    } catch (UsageException e) {
      err.info(CommandLine.usage());
      err.error(CommandLine.PROG + ": error: " + e.getMessage());
      return refused(args, out);
    }
    if (!env.privileges().btrfsAdmin()) {
      err.error(
          CommandLine.PROG
              + ": needs root: btrfs subvolume list, snapshot, send, receive and delete need the"
              + " CAP_SYS_ADMIN capability, which this process lacks (also for --dry-run, which"
              + " lists subvolumes); run it as root, e.g. with sudo. Nothing was done.");
      return refused(args, out);
    }
    Config config;
    List<Pair> pairs;
    try {
      Path file = configFile(options, env);
      refuseUntrusted(file, env.privileges());
      config = ConfigLoader.load(file);
      pairs = select(options, config);
      if (config.stateDir().isPresent()) {
        refuseUntrustedStateDir(config.stateDir().get(), env.privileges());
      }
    } catch (ConfigException e) {
      e.errors().forEach(line -> err.error(CommandLine.PROG + ": " + line));
      err.error(CommandLine.PROG + ": nothing was done: fix the configuration and run again.");
      return refused(args, out);
    } catch (UsageException e) {
      err.error(CommandLine.PROG + ": error: " + e.getMessage());
      return refused(args, out);
    }
    if (pairs.isEmpty()) { // only --before-upgrade can select no pair: the apt hook's usual case
      if (options.output() != Options.Output.QUIET) {
        out.println(
            "No pair in " + config.file() + " has snapshot_before_upgrade = true: nothing to do.");
      }
      return ExitCode.OK;
    }
    LocalDateTime now = LocalDateTime.now(env.clock()).withNano(0);
    RunMetrics metrics =
        new RunMetrics(config, options.command().label(), command(options), env, err);
    // Connections to other machines start now, while this one is locked and scanned (unless the
    // run may wait for a lock: an idle master ends after a minute); all are ended here.
    try (Hosts hosts = env.remotes().open(env.btrfs(), env.journal(), pairs, config.stateDir())) {
      if (options.busyWait().isZero()) {
        hosts.connectAhead(
            pairs,
            switch (options.command()) {
              case SNAPSHOT -> false; // the snapshots' side alone
              case BACKUP, PURGE, STATUS, CHECK -> true; // both sides
            });
      }
      return switch (options.command()) {
        case SNAPSHOT, BACKUP, PURGE ->
            lockedRun(options, config, pairs, now, env, hosts, out, err, metrics);
        case STATUS -> StatusRun.status(options, config, pairs, now, env, hosts, out, metrics);
        case CHECK -> StatusRun.check(options, config, pairs, now, env, hosts, out, metrics);
      };
    } catch (IOException e) {
      err.error(
          CommandLine.PROG
              + ": cannot prepare the connections to other machines: "
              + e.getMessage()
              + "; nothing was done");
      return ExitCode.FAILED;
    }
  }

  /**
   * A planning verb: takes the pairs' locks (a dry run only looks), then plans and runs, and writes
   * the metrics of the pairs it ran while it still holds their locks.
   */
  @SuppressWarnings("try") // the try holds the pair locks for the run; its body never names them
  private static int lockedRun(
      Options options,
      Config config,
      List<Pair> pairs,
      LocalDateTime now,
      Environment env,
      Hosts hosts,
      PrintStream out,
      Stderr err,
      RunMetrics metrics) {
    Path lockDir = config.lockDir().orElse(env.lockDir());
    int uid = env.privileges().effectiveUid();
    try {
      if (options.dryRun() || config.dryRun()) {
        PairLocks.check(lockDir, uid); // a dry run takes no lock, but shows a bad lock directory
        Map<String, String> busy = busyPairs(lockDir, pairs);
        reportBusy(busy, "a real run now would skip it", err);
        return runPlan(options, config, pairs, busy, now, env, hosts, out, err, metrics);
      }
      try (PairLocks locks = PairLocks.in(lockDir, uid, command(options), now)) {
        Map<String, String> busy =
            locks.lock(pairs.stream().map(Pair::name).toList(), options.busyWait());
        reportBusy(
            busy,
            "skipped, nothing was done to it"
                + (options.busyWait().isZero()
                    ? ""
                    : " (waited " + options.busyWait().toSeconds() + " s)"),
            err);
        List<Pair> free = pairs.stream().filter(p -> !busy.containsKey(p.name())).toList();
        int exit =
            free.isEmpty()
                ? ExitCode.OK
                : runPlan(options, config, free, Map.of(), now, env, hosts, out, err, metrics);
        return exit == ExitCode.OK && !busy.isEmpty() ? ExitCode.LOCKED : exit;
      }
    } catch (PairLocks.Unsafe e) {
      err.error(CommandLine.PROG + ": " + e.getMessage() + "; nothing was done");
      return ExitCode.USAGE;
    } catch (IOException e) {
      err.error(
          CommandLine.PROG
              + ": cannot lock the pairs in "
              + lockDir
              + ": "
              + e.getMessage()
              + "; nothing was done");
      return ExitCode.FAILED;
    }
  }

  /** The pairs whose lock another run holds now, with that run; asks without taking a lock. */
  static Map<String, String> busyPairs(Path lockDir, List<Pair> pairs) {
    Map<String, String> busy = new LinkedHashMap<>();
    for (Pair pair : pairs) {
      PairLocks.holderOf(lockDir, pair.name()).ifPresent(h -> busy.put(pair.name(), h));
    }
    return busy;
  }

  private static void reportBusy(Map<String, String> busy, String consequence, Stderr err) {
    busy.forEach(
        (pair, holder) ->
            err.warning(
                CommandLine.PROG
                    + ": pair "
                    + pair
                    + " is busy: another run holds its lock ("
                    + holder
                    + "); "
                    + consequence));
  }

  /** How this run describes itself in the lock files it holds. */
  static String command(Options options) {
    return options.command().flag()
        + (options.all()
            ? " --all"
            : options.beforeUpgrade()
                ? " --before-upgrade"
                : options.pairs().stream().map(p -> " --pair " + p).collect(Collectors.joining()));
  }

  /**
   * A privileged run obeys its configuration file: one that another user could change (or replace)
   * would let that user steer it, so it is refused.
   */
  private static void refuseUntrusted(Path file, Privileges privileges) throws UsageException {
    Optional<String> problem;
    try {
      problem = Trust.problem(file, privileges.effectiveUid());
    } catch (IOException e) {
      return; // missing or unreadable: loading the file reports that
    }
    if (problem.isPresent()) {
      throw new UsageException(
          "refusing the configuration file "
              + file
              + ": "
              + problem.get()
              + ": another user could change what this root run does; make the file and each"
              + " directory above it owned by root and not writable by group or others (a sticky"
              + " directory such as /tmp is fine)");
    }
  }

  /**
   * The records in state_dir decide which incomplete receives on other machines a run removes, so
   * the directory (or, while it does not exist, the one it will be made in) must be one that no
   * other user could change, by the same rule as the configuration file.
   */
  private static void refuseUntrustedStateDir(Path dir, Privileges privileges)
      throws UsageException {
    Path existing = dir;
    while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    Optional<String> problem;
    try {
      problem =
          Files.isSymbolicLink(existing)
              ? Optional.of(existing + " is a symbolic link")
              : Trust.problem(existing, privileges.effectiveUid());
    } catch (IOException e) {
      problem = Optional.of("it cannot be examined: " + e.getMessage());
    }
    if (problem.isPresent()) {
      throw new UsageException(
          "refusing state_dir "
              + dir
              + ": "
              + problem.get()
              + ": another user could make this run delete what it did not leave; make it and each"
              + " directory above it owned by root and not writable by group or others, or leave"
              + " state_dir out");
    }
  }

  /**
   * Scans, plans, prints, and unless this is a dry run, executes. The plan is rendered as text
   * before anything runs, and each result as it comes; with --json, nothing until the end, then one
   * document of the same plan and outcome. A run that is not dry writes its metrics at the end: a
   * dry run did nothing that the metrics could report, and must not make a timer that stopped
   * running real runs look alive.
   */
  private static int runPlan(
      Options options,
      Config config,
      List<Pair> pairs,
      Map<String, String> busy,
      LocalDateTime now,
      Environment env,
      Hosts hosts,
      PrintStream out,
      Stderr err,
      RunMetrics metrics) {
    boolean verbose = options.output() == Options.Output.VERBOSE || config.defaultVerbose();
    boolean quiet = options.output() == Options.Output.QUIET;
    // Quiet: the plan and progress are not shown; a run with problems shows its failing pairs.
    PrintStream shown =
        quiet || options.json() ? new PrintStream(OutputStream.nullOutputStream()) : out;
    Planned planned = plan(options, pairs, now, new Scanner(hosts, busy));
    Plan plan = planned.plan();
    shown.print(PlanRenderer.render(plan, config.file(), verbose, hosts.commandLines()));
    shown.flush();
    Outcome outcome;
    Optional<String> dry =
        options.dryRun()
            ? Optional.of("--dry-run")
            : config.dryRun()
                ? Optional.of("dry_run = true in " + config.file())
                : Optional.empty();
    if (dry.isPresent()) {
      shown.println("Dry run (" + dry.get() + "): nothing was changed.");
      outcome = Executor.skipAll(plan);
    } else {
      if (plan.operationCount() > 0) {
        shown.println("Running:");
      }
      Interruption interruption = env.interruption();
      interruption.watch(hosts::abort);
      Executor.Listener listener = options.json() ? Executor.Listener.NONE : new ResultLines(shown);
      if (env.stderrIsTerminal() && !quiet && !options.json()) {
        listener = new ProgressLine(err.terminal(), listener); // erased before each result line
      }
      outcome = new Executor(hosts, listener, interruption::signalName).run(plan);
      if (plan.operationCount() > 0) {
        shown.println(result(outcome));
      }
    }
    if (options.json()) {
      out.print(RunJson.render(plan, config.file(), dry, outcome, hosts.commandLines()));
    } else if (quiet && !outcome.ok()) {
      List<PairPlan> failing =
          plan.pairs().stream()
              .filter(p -> outcome.failedPairs().contains(p.pair().name()))
              .toList();
      out.print(
          PlanRenderer.render(
              new Plan(plan.verb(), plan.now(), failing),
              config.file(),
              verbose,
              hosts.commandLines()));
      if (plan.operationCount() > 0 && dry.isEmpty()) {
        out.println(result(outcome));
      }
    }
    out.flush();
    int exit = finish(outcome, err);
    Optional<String> signal = env.interruption().signalName();
    if (signal.isPresent()) {
      err.error(
          CommandLine.PROG
              + ": interrupted by "
              + signal.get()
              + ": stopped, removed the partial backup if there was one; "
              + outcome.notRun()
              + " operations not run");
      exit = env.interruption().exitCode().orElseThrow();
    }
    if (dry.isEmpty()) {
      OptionalInt signalExit = signal.isPresent() ? OptionalInt.of(exit) : OptionalInt.empty();
      metrics.write(PairRuns.ofPlan(plan, outcome, planned.scans(), signalExit, metrics.zone()));
    }
    return exit;
  }

  private static String result(Outcome outcome) {
    return "Result: "
        + outcome.done()
        + " done, "
        + outcome.failed()
        + " failed, "
        + outcome.notRun()
        + " not run.";
  }

  private static int finish(Outcome outcome, Stderr err) {
    outcome.failures().forEach(f -> err.error(CommandLine.PROG + ": " + f));
    return outcome.ok() ? ExitCode.OK : ExitCode.FAILED;
  }

  /**
   * A plan and the pair scans it was made from, kept for the metrics (--snapshot's scans look only
   * at the snapshot's destination: none are kept).
   */
  private record Planned(Plan plan, List<PairScan> scans) {}

  private static Planned plan(
      Options options, List<Pair> pairs, LocalDateTime now, Scanner scanner) {
    return switch (options.command().verb()) {
      case SNAPSHOT -> {
        SnapshotName name = SnapshotName.of(now, options.suffix());
        yield new Planned(
            SnapshotPlanner.plan(scanner.forSnapshot(pairs, name), name, now), List.of());
      }
      case BACKUP -> {
        List<PairScan> scans = scanner.scan(pairs);
        yield new Planned(BackupPlanner.plan(scans, now), scans);
      }
      case PURGE -> {
        List<PairScan> scans = scanner.scan(pairs);
        yield new Planned(PurgePlanner.plan(scans, now), scans);
      }
    };
  }

  /**
   * The pairs named on the command line, in the configuration's order, or all of them, or those
   * that ask for a snapshot before an upgrade (possibly none).
   */
  private static List<Pair> select(Options options, Config config) throws UsageException {
    if (options.all()) {
      return config.pairs();
    }
    if (options.beforeUpgrade()) {
      return config.pairs().stream().filter(Pair::snapshotBeforeUpgrade).toList();
    }
    List<String> unknown =
        options.pairs().stream().filter(n -> config.pair(n).isEmpty()).map(Quote::shown).toList();
    if (!unknown.isEmpty()) {
      throw new UsageException(
          (unknown.size() == 1 ? "unknown pair " : "unknown pairs ")
              + String.join(", ", unknown)
              + " in "
              + config.file()
              + "; its pairs are: "
              + config.pairs().stream().map(Pair::name).collect(Collectors.joining(", ")));
    }
    return config.pairs().stream().filter(p -> options.pairs().contains(p.name())).toList();
  }

  /** --config, else ./backup_config.toml, else the system-wide file; the error names each place. */
  private static Path configFile(Options options, Environment env) throws UsageException {
    if (options.config().isPresent()) {
      return env.workingDir().resolve(options.config().get());
    }
    Path local = env.workingDir().resolve("backup_config.toml");
    for (Path candidate : List.of(local, env.systemConfig())) {
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new UsageException(
        "no configuration file: looked for "
            + local
            + " and "
            + env.systemConfig()
            + "; copy the shipped backup_config.toml to one of them, or pass --config FILE");
  }

  static String version() {
    // From the jar's manifest, which the JVM read to start: a resource is looked for in the
    // runtime's own modules first (a few ms of a cold --version). Outside the jar (tests), the
    // resource.
    String inJar = Cli.class.getPackage().getImplementationVersion();
    if (inJar != null) {
      return inJar;
    }
    try (InputStream in = Cli.class.getResourceAsStream("/backuptool/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
