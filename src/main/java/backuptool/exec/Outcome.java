package backuptool.exec;

import java.util.List;

/** What running a plan did: operation counts and one line per failure. */
public record Outcome(int done, int failed, int notRun, List<String> failures) {
  public Outcome {
    failures = List.copyOf(failures);
  }

  public boolean ok() {
    return failures.isEmpty();
  }
}
