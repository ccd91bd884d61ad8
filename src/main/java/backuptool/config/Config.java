package backuptool.config;

import backuptool.model.Pair;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, valid configuration: at least one pair, names and directories all distinct. {@code
 * metricsFile}: where each run writes its node-exporter metrics, when set. {@code stateDir}: where
 * the tool keeps what must outlive a run on this machine (the records of receives into other
 * machines), when not the default.
 */
public record Config(
    Path file,
    boolean defaultVerbose,
    boolean dryRun,
    Optional<Path> lockDir,
    Optional<Path> metricsFile,
    Optional<Path> stateDir,
    List<Pair> pairs) {
  public Config {
    pairs = List.copyOf(pairs);
  }

  public Optional<Pair> pair(String name) {
    return pairs.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
