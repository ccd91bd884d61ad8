package backuptool.cli;

import backuptool.config.Config;
import backuptool.hosts.Hosts;
import backuptool.model.Pair;
import backuptool.report.CheckJson;
import backuptool.report.StatusJson;
import backuptool.scan.Scanner;
import backuptool.status.Check;
import backuptool.status.Health;
import backuptool.status.Status;
import backuptool.status.StatusRenderer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

/**
 * --status and --check: scan the pairs and report, changing nothing and taking no lock. A pair that
 * another run holds is scanned all the same; its receive in progress is shown as such.
 */
final class StatusRun {
  private StatusRun() {}

  /** Scans the pairs as a dry run would, without its lock-directory check: nothing is locked. */
  static Status scan(
      List<Pair> pairs, Config config, LocalDateTime now, Environment env, Hosts hosts) {
    Path lockDir = config.lockDir().orElse(env.lockDir());
    Scanner scanner = new Scanner(hosts, Cli.busyPairs(lockDir, pairs));
    return Status.of(pairs.stream().map(scanner::scan).toList(), now);
  }

  /**
   * Prints the status; exit 1 when a side of a selected pair could not be read (its state is
   * unknown), else 0, whatever the verdicts: staleness is news, not a failure of this command.
   */
  static int status(
      Options options,
      Config config,
      List<Pair> pairs,
      LocalDateTime now,
      Environment env,
      Hosts hosts,
      PrintStream out) {
    Status status = scan(pairs, config, now, env, hosts);
    if (options.json()) {
      out.print(StatusJson.render(status, config.file()));
    } else {
      boolean verbose = options.output() == Options.Output.VERBOSE || config.defaultVerbose();
      Status shown = status;
      if (options.output() == Options.Output.QUIET) {
        shown =
            new Status(
                status.now(),
                status.pairs().stream()
                    .filter(p -> p.health().verdict() != Health.Verdict.OK)
                    .toList());
      }
      if (!shown.pairs().isEmpty()) {
        out.print(StatusRenderer.render(shown, config.file(), verbose));
      }
    }
    out.flush();
    boolean unknown =
        status.pairs().stream().anyMatch(p -> p.health().verdict() == Health.Verdict.UNREACHABLE);
    return unknown ? ExitCode.FAILED : ExitCode.OK;
  }

  /** Prints the plugin line; the exit code is the plugin state's. */
  static int check(
      Options options,
      Config config,
      List<Pair> pairs,
      LocalDateTime now,
      Environment env,
      Hosts hosts,
      PrintStream out) {
    Status status = scan(pairs, config, now, env, hosts);
    Check.Result result = Check.of(status, options.warnAfter(), options.critAfter());
    if (options.json()) {
      out.print(CheckJson.render(result, config.file(), now));
    } else {
      out.println(result.line());
    }
    out.flush();
    return result.state().exitCode();
  }
}
