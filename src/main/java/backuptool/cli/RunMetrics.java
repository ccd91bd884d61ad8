package backuptool.cli;

import backuptool.config.Config;
import backuptool.metrics.PairRun;
import backuptool.metrics.Ran;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * This run's entry in the metrics file, when the configuration names one: started with the run,
 * written once its pairs are done (while a planning verb still holds their locks, so that a later
 * run of the same pair cannot write first and then be overwritten with older values). A file that
 * cannot be written is a warning: the backups themselves are what the exit code is about.
 */
final class RunMetrics {
  /** Enough to see what went wrong with an old file; the rest is counted. */
  private static final int MAX_WARNINGS = 10;

  private final Optional<Path> file;
  private final String verb;
  private final Path lockDir;
  private final String command;
  private final Environment env;
  private final Stderr err;
  private final long started;

  /**
   * {@code verb}: the series' label ("backup", "check", ...); {@code command}: how the run names
   * itself in lock files.
   */
  RunMetrics(Config config, String verb, String command, Environment env, Stderr err) {
    this.file = config.metricsFile();
    this.verb = verb;
    this.lockDir = config.lockDir().orElse(env.lockDir());
    this.command = command;
    this.env = env;
    this.err = err;
    this.started = env.nanoTime().getAsLong();
  }

  /** Snapshot names are local times of the run's clock. */
  ZoneId zone() {
    return env.clock().getZone();
  }

  /** Records what the run did for {@code pairs}; nothing when there is no file or no pair. */
  void write(List<PairRun> pairs) {
    if (file.isEmpty() || pairs.isEmpty()) {
      return;
    }
    Duration took = Duration.ofNanos(env.nanoTime().getAsLong() - started);
    Ran ran = new Ran(verb, env.clock().instant(), took, pairs);
    List<String> warnings =
        MetricsFile.update(
            file.get(),
            lockDir,
            env.privileges().effectiveUid(),
            command,
            LocalDateTime.now(env.clock()).withNano(0),
            ran);
    String where = CommandLine.PROG + ": metrics file " + file.get() + ": ";
    warnings.stream().limit(MAX_WARNINGS).forEach(w -> err.warning(where + w));
    if (warnings.size() > MAX_WARNINGS) {
      err.warning(where + "and " + (warnings.size() - MAX_WARNINGS) + " more warnings like these");
    }
  }
}
