package backuptool.plan;

import java.time.LocalDateTime;
import java.util.List;

/** Everything one run will do, pair by pair, decided at {@code now}. */
public record Plan(Verb verb, LocalDateTime now, List<PairPlan> pairs) {
  public Plan {
    pairs = List.copyOf(pairs);
  }

  public int operationCount() {
    return pairs.stream().mapToInt(p -> p.operations().size()).sum();
  }
}
