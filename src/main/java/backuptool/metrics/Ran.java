package backuptool.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run as the metrics file records it: its {@code verb} ("backup", "status", ...), when it
 * {@code ended}, how long it took, and what it did for each pair it ran (not those it skipped).
 */
public record Ran(String verb, Instant ended, Duration duration, List<PairRun> pairs) {
  public Ran {
    pairs = List.copyOf(pairs);
  }
}
