package backuptool.cli;

import backuptool.config.Config;
import backuptool.config.ConfigException;
import backuptool.config.ConfigLoader;
import backuptool.exec.Executor;
import backuptool.exec.Outcome;
import backuptool.model.Pair;
import backuptool.model.SnapshotName;
import backuptool.plan.BackupPlanner;
import backuptool.plan.Plan;
import backuptool.plan.PlanRenderer;
import backuptool.plan.PurgePlanner;
import backuptool.plan.SnapshotPlanner;
import backuptool.scan.Scanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * One run of backup-tool: arguments, configuration, scan, plan, print, and (unless dry) execute.
 */
public final class Cli {
  private Cli() {}

  /**
   * Runs the tool and returns its exit code; prints the plan and results to out, problems to err.
   */
  @SuppressWarnings("try") // the try holds the pair locks for the run; its body never names them
  public static int run(String[] args, PrintStream out, PrintStream err, Environment env) {
    if (CommandLine.asks(args, "-h", "--help")) {
      out.print(CommandLine.help());
      return ExitCode.OK;
    }
    if (CommandLine.asks(args, "--version")) {
      out.println(CommandLine.PROG + " " + version());
      return ExitCode.OK;
    }
    Options options;
    try {
      options = CommandLine.parse(args);
    } catch (UsageException e) {
      err.print(CommandLine.usage());
      err.println(CommandLine.PROG + ": error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    Config config;
    List<Pair> pairs;
    try {
      config = ConfigLoader.load(configFile(options, env));
      pairs = select(options, config);
    } catch (ConfigException e) {
      e.errors().forEach(line -> err.println(CommandLine.PROG + ": " + line));
      err.println(CommandLine.PROG + ": nothing was done: fix the configuration and run again.");
      return ExitCode.USAGE;
    } catch (UsageException e) {
      err.println(CommandLine.PROG + ": error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (options.dryRun() || config.dryRun()) {
      return runPlan(options, config, pairs, env, out, err); // changes nothing, needs no lock
    }
    Path lockDir = config.lockDir().orElse(env.lockDir());
    String command =
        options.verb().flag() + options.pair().map(p -> " --pair " + p).orElse(" --all");
    try (PairLocks locks =
        PairLocks.acquire(lockDir, pairs.stream().map(Pair::name).toList(), command)) {
      return runPlan(options, config, pairs, env, out, err);
    } catch (PairLocks.Locked e) {
      err.println(CommandLine.PROG + ": " + e.getMessage());
      return ExitCode.LOCKED;
    } catch (IOException e) {
      err.println(
          CommandLine.PROG
              + ": cannot lock the pairs in "
              + lockDir
              + ": "
              + e.getMessage()
              + "; nothing was done");
      return ExitCode.FAILED;
    }
  }

  /** Scans, plans, prints, and unless this is a dry run, executes. */
  private static int runPlan(
      Options options,
      Config config,
      List<Pair> pairs,
      Environment env,
      PrintStream out,
      PrintStream err) {
    boolean verbose = options.verbose() || config.defaultVerbose();
    LocalDateTime now = LocalDateTime.now(env.clock()).withNano(0);
    Plan plan = plan(options, pairs, now, new Scanner(env.btrfs(), env.journal()));
    out.print(PlanRenderer.render(plan, verbose));
    out.flush();
    if (options.dryRun() || config.dryRun()) {
      String why = options.dryRun() ? "--dry-run" : "dry_run = true in " + config.file();
      out.println("Dry run (" + why + "): nothing was changed.");
      return finish(Executor.skipAll(plan), err);
    }
    if (plan.operationCount() > 0) {
      out.println("Running:");
    }
    Interruption interruption = env.interruption();
    interruption.watch(env.btrfs());
    Outcome outcome =
        new Executor(env.btrfs(), env.journal(), out, interruption::signalName).run(plan);
    if (plan.operationCount() > 0) {
      out.println(
          "Result: "
              + outcome.done()
              + " done, "
              + outcome.failed()
              + " failed, "
              + outcome.notRun()
              + " not run.");
    }
    int exit = finish(outcome, err);
    if (interruption.signalName().isPresent()) {
      err.println(
          CommandLine.PROG
              + ": interrupted by "
              + interruption.signalName().get()
              + ": stopped, removed the partial backup if there was one; "
              + outcome.notRun()
              + " operations not run");
      return interruption.exitCode().orElseThrow();
    }
    return exit;
  }

  private static int finish(Outcome outcome, PrintStream err) {
    outcome.failures().forEach(f -> err.println(CommandLine.PROG + ": " + f));
    return outcome.ok() ? ExitCode.OK : ExitCode.FAILED;
  }

  private static Plan plan(Options options, List<Pair> pairs, LocalDateTime now, Scanner scanner) {
    return switch (options.verb()) {
      case SNAPSHOT -> {
        SnapshotName name = SnapshotName.of(now, options.suffix());
        yield SnapshotPlanner.plan(
            pairs.stream().map(p -> scanner.forSnapshot(p, name)).toList(), name, now);
      }
      case BACKUP -> BackupPlanner.plan(pairs.stream().map(scanner::scan).toList(), now);
      default -> PurgePlanner.plan(pairs.stream().map(scanner::scan).toList(), now);
    };
  }

  private static List<Pair> select(Options options, Config config) throws UsageException {
    if (options.pair().isEmpty()) {
      return config.pairs();
    }
    String name = options.pair().get();
    return List.of(
        config
            .pair(name)
            .orElseThrow(
                () ->
                    new UsageException(
                        "unknown pair "
                            + Quote.shown(name)
                            + " in "
                            + config.file()
                            + "; its pairs are: "
                            + config.pairs().stream()
                                .map(Pair::name)
                                .collect(Collectors.joining(", ")))));
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
