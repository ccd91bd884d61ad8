package backuptool.plan;

import backuptool.scan.PairScan;
import java.util.ArrayList;
import java.util.List;

/** Why a pair's sides cannot be planned; both sides are reported, not just the first. */
final class Problems {
  private Problems() {}

  static List<String> of(PairScan scan) {
    List<String> problems = new ArrayList<>();
    scan.source().problem().ifPresent(problems::add);
    scan.target().problem().ifPresent(problems::add);
    return problems;
  }
}
