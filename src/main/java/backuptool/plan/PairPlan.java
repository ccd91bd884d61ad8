package backuptool.plan;

import backuptool.model.Pair;
import java.util.List;

/**
 * What to do for one pair. A pair with problems has no operations: it is reported as failed and
 * nothing is done to it.
 */
public record PairPlan(Pair pair, List<String> problems, List<Step> steps) {
  public PairPlan {
    problems = List.copyOf(problems);
    steps = List.copyOf(steps);
    if (!problems.isEmpty() && steps.stream().anyMatch(s -> s instanceof Step.Operation)) {
      throw new IllegalArgumentException("a pair with problems must not have operations");
    }
  }

  static PairPlan failed(Pair pair, List<String> problems) {
    return new PairPlan(pair, problems, List.of());
  }

  public List<Step.Operation> operations() {
    return steps.stream()
        .filter(s -> s instanceof Step.Operation)
        .map(s -> (Step.Operation) s)
        .toList();
  }
}
