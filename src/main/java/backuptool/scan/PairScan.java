package backuptool.scan;

import backuptool.model.Pair;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import java.util.List;
import java.util.Optional;

/**
 * Both sides of a pair. A backup on the target matches a source snapshot when its received uuid is
 * the snapshot's uuid; names alone prove nothing.
 */
public record PairScan(Pair pair, SideScan source, SideScan target) {

  /** The backup of {@code snapshot} on the target, if there is one. */
  public Optional<Snapshot> backupOf(Snapshot snapshot) {
    String uuid = snapshot.subvolume().uuid();
    return target.snapshots().stream()
        .filter(b -> b.subvolume().receivedUuid().filter(uuid::equals).isPresent())
        .findFirst();
  }

  /**
   * Target subvolumes named like a source snapshot that are not its backup: neither a backup of
   * that snapshot nor ever a parent.
   */
  public List<Snapshot> mismatched() {
    return target.snapshots().stream().filter(this::isMismatch).toList();
  }

  private boolean isMismatch(Snapshot onTarget) {
    return source.snapshots().stream()
        .anyMatch(
            s ->
                s.name().text().equals(onTarget.name().text())
                    && backupOf(s).filter(onTarget::equals).isEmpty());
  }

  /**
   * The target's backups, oldest first: received, read-only, named as snapshots, not mismatched.
   */
  public List<Snapshot> backups() {
    return target.snapshots().stream().filter(b -> !isMismatch(b)).toList();
  }

  /** The newest source snapshot that has a backup: where the next incremental send starts. */
  public Optional<Snapshot> commonParent() {
    List<Snapshot> snaps = source.snapshots();
    for (int i = snaps.size() - 1; i >= 0; i--) {
      if (backupOf(snaps.get(i)).isPresent()) {
        return Optional.of(snaps.get(i));
      }
    }
    return Optional.empty();
  }

  /** The target's newest backup. */
  public Optional<Snapshot> newestBackup() {
    List<Snapshot> backups = backups();
    return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
  }

  /**
   * True if source snapshot {@code s} comes before the target's newest backup, so that it can no
   * longer join the incremental chain. Compared in the source's own order when the newest backup's
   * snapshot is still there (names can tie), else by name.
   */
  public boolean olderThanNewestBackup(Snapshot s) {
    Optional<Snapshot> newest = newestBackup();
    if (newest.isEmpty()) {
      return false;
    }
    Optional<Snapshot> itsSnapshot =
        source.snapshots().stream().filter(x -> backupOf(x).equals(newest)).findFirst();
    return itsSnapshot.isPresent()
        ? Snapshot.BY_CREATION.compare(s, itsSnapshot.get()) < 0
        : SnapshotName.ORDER.compare(s.name(), newest.get().name()) < 0;
  }

  public Optional<String> problem() {
    return source.problem().or(target::problem);
  }
}
