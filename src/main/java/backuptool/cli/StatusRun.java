package backuptool.cli;

import backuptool.config.Config;
import backuptool.hosts.Hosts;
import backuptool.metrics.PairRuns;
import backuptool.model.Pair;
import backuptool.report.CheckJson;
import backuptool.report.StatusJson;
import backuptool.scan.Scanner;
import backuptool.status.Check;
import backuptool.status.Health;
import backuptool.status.PairStatus;
import backuptool.status.Status;
import backuptool.status.StatusRenderer;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * --status and --check: scan the pairs and report, changing nothing and taking no lock. A pair that
 * another run holds is scanned all the same; its receive in progress is shown as such.
 */
final class StatusRun {
  private StatusRun() {}

  /**
   * Scans the pairs as a dry run would, without its lock-directory check: nothing is locked. {@code
   * busy}: the pairs another run holds now, with that run.
   */
  private static Status scan(
      List<Pair> pairs, Map<String, String> busy, LocalDateTime now, Hosts hosts) {
    Scanner scanner = new Scanner(hosts, busy);
    return Status.of(scanner.scan(pairs), now);
  }

  private static Map<String, String> busy(List<Pair> pairs, Config config, Environment env) {
    return Cli.busyPairs(config.lockDir().orElse(env.lockDir()), pairs);
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
      PrintStream out,
      RunMetrics metrics) {
    Map<String, String> busy = busy(pairs, config, env);
    Status status = scan(pairs, busy, now, hosts);
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
    metrics.write(
        PairRuns.ofStatus(
            status,
            busy.keySet(),
            p -> unknown(p) ? ExitCode.FAILED : ExitCode.OK,
            metrics.zone()));
    return status.pairs().stream().anyMatch(StatusRun::unknown) ? ExitCode.FAILED : ExitCode.OK;
  }

  private static Check.State stateOf(Check.Result result, String pair) {
    return result.pairs().stream()
        .filter(c -> c.pair().equals(pair))
        .findFirst()
        .orElseThrow()
        .state();
  }

  private static boolean unknown(PairStatus pair) {
    return pair.health().verdict() == Health.Verdict.UNREACHABLE;
  }

  /**
   * Prints the plugin line; the exit code is the plugin state's. Each pair's in the metrics file is
   * the state the check would have for that pair alone.
   */
  static int check(
      Options options,
      Config config,
      List<Pair> pairs,
      LocalDateTime now,
      Environment env,
      Hosts hosts,
      PrintStream out,
      RunMetrics metrics) {
    Map<String, String> busy = busy(pairs, config, env);
    Status status = scan(pairs, busy, now, hosts);
    Check.Result result = Check.of(status, options.warnAfter(), options.critAfter());
    if (options.json()) {
      out.print(CheckJson.render(result, config.file(), now));
    } else {
      out.println(result.line());
    }
    out.flush();
    metrics.write(
        PairRuns.ofStatus(
            status,
            busy.keySet(),
            p -> stateOf(result, p.pair().name()).exitCode(),
            metrics.zone()));
    return result.state().exitCode();
  }
}
