package backuptool.exec;

import java.util.List;
import java.util.Set;

/**
 * What running a plan did: operation counts, one line per failure, and the pairs that failed
 * (problems in their plan, or an operation that failed).
 */
public record Outcome(
    int done, int failed, int notRun, List<String> failures, Set<String> failedPairs) {
  public Outcome {
    failures = List.copyOf(failures);
    failedPairs = Set.copyOf(failedPairs);
  }

  public boolean ok() {
    return failures.isEmpty();
  }
}
