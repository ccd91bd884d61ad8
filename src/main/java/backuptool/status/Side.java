package backuptool.status;

import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.scan.Ignored;
import java.util.List;
import java.util.Optional;

/**
 * One side of a pair as --status shows it: its directory (a path, or an ssh:// URL), why it could
 * not be read (then its lists are unknown, not empty), its snapshots or backups oldest first, the
 * incomplete receives in it, and the retention rule that applies to it.
 */
public record Side(
    String dir,
    Optional<String> problem,
    List<Snapshot> snapshots,
    List<Ignored> incomplete,
    Retention retention) {
  public Side {
    snapshots = List.copyOf(snapshots);
    incomplete = List.copyOf(incomplete);
  }

  public Optional<Snapshot> newest() {
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(snapshots.size() - 1));
  }

  public Optional<Snapshot> oldest() {
    return snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.get(0));
  }
}
