package backuptool.status;

import backuptool.model.Pair;
import backuptool.model.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * One pair as --status reports it: both sides, the common parent that the next backup starts from
 * (or why there is none, in {@code parentNote}), the snapshots waiting to be sent, and the verdict.
 */
public record PairStatus(
    Pair pair,
    Side source,
    Side target,
    Optional<Snapshot> commonParent,
    String parentNote,
    List<Snapshot> unsent,
    Health health) {
  public PairStatus {
    unsent = List.copyOf(unsent);
  }
}
