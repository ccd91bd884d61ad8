package backuptool.exec;

import java.util.List;
import java.util.Set;

/**
 * What running a plan did: each operation's result in plan order, one line per failure, and the
 * pairs that failed (problems in their plan, or an operation that failed).
 */
public record Outcome(
    List<OperationResult> results, List<String> failures, Set<String> failedPairs) {
  public Outcome {
    results = List.copyOf(results);
    failures = List.copyOf(failures);
    failedPairs = Set.copyOf(failedPairs);
  }

  public boolean ok() {
    return failures.isEmpty();
  }

  public int done() {
    return count(OperationResult.Status.DONE);
  }

  public int failed() {
    return count(OperationResult.Status.FAILED);
  }

  public int notRun() {
    return count(OperationResult.Status.NOT_RUN);
  }

  /** The bytes of every completed send. */
  public long bytesSent() {
    return results.stream().flatMap(r -> r.transfer().stream()).mapToLong(t -> t.bytes()).sum();
  }

  private int count(OperationResult.Status status) {
    return (int) results.stream().filter(r -> r.status() == status).count();
  }
}
