package backuptool.scan;

import backuptool.model.Pair;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Both sides of a pair. A backup on the target matches a source snapshot when its received uuid is
 * the snapshot's identity (its own uuid, or its received uuid when it was restored from a backup);
 * names alone prove nothing. Everything derived is computed once, here, so that planning stays
 * linear in the number of snapshots.
 */
public final class PairScan {
  private final Pair pair;
  private final SideScan source;
  private final SideScan target;
  private final Map<String, Snapshot> backupByReceivedUuid = new HashMap<>();
  private final Map<Snapshot, Integer> sourcePosition = new HashMap<>();
  private final List<Snapshot> mismatched;
  private final List<Snapshot> backups;
  private final Optional<Snapshot> commonParent;
  private final Optional<Snapshot> newestBackupsSnapshot;

  public PairScan(Pair pair, SideScan source, SideScan target) {
    this.pair = pair;
    this.source = source;
    this.target = target;
    for (Snapshot b : target.snapshots()) {
      b.subvolume().receivedUuid().ifPresent(u -> backupByReceivedUuid.putIfAbsent(u, b));
    }
    Map<String, Snapshot> sourceByName = new HashMap<>();
    for (Snapshot s : source.snapshots()) {
      sourcePosition.put(s, sourcePosition.size());
      sourceByName.put(s.name().text(), s);
    }
    mismatched =
        target.snapshots().stream()
            .filter(
                b -> {
                  Snapshot namesake = sourceByName.get(b.name().text());
                  return namesake != null && !backupOf(namesake).filter(b::equals).isPresent();
                })
            .toList();
    backups = target.snapshots().stream().filter(b -> !mismatched.contains(b)).toList();
    Optional<Snapshot> parent = Optional.empty();
    for (Snapshot s : source.snapshots()) {
      if (backupOf(s).isPresent()) {
        parent = Optional.of(s); // the last one wins: the newest with a backup
      }
    }
    commonParent = parent;
    Optional<String> newestIdentity = newestBackup().flatMap(b -> b.subvolume().receivedUuid());
    newestBackupsSnapshot =
        source.snapshots().stream()
            .filter(s -> newestIdentity.equals(Optional.of(s.subvolume().identity())))
            .findFirst();
  }

  public Pair pair() {
    return pair;
  }

  public SideScan source() {
    return source;
  }

  public SideScan target() {
    return target;
  }

  /** The backup of {@code snapshot} on the target, if there is one. */
  public Optional<Snapshot> backupOf(Snapshot snapshot) {
    return Optional.ofNullable(backupByReceivedUuid.get(snapshot.subvolume().identity()));
  }

  /**
   * Target subvolumes named like a source snapshot that are not its backup: neither a backup of
   * that snapshot nor ever a parent.
   */
  public List<Snapshot> mismatched() {
    return mismatched;
  }

  /**
   * The target's backups, oldest first: received, read-only, named as snapshots, not mismatched.
   */
  public List<Snapshot> backups() {
    return backups;
  }

  /** The newest source snapshot that has a backup: where the next incremental send starts. */
  public Optional<Snapshot> commonParent() {
    return commonParent;
  }

  /** The target's newest backup. */
  public Optional<Snapshot> newestBackup() {
    return backups.isEmpty() ? Optional.empty() : Optional.of(backups.get(backups.size() - 1));
  }

  /**
   * True if source snapshot {@code s} comes before the target's newest backup, so that it can no
   * longer join the incremental chain. Compared by position in the source when the newest backup's
   * snapshot is still there (a backup can be renamed), else by name.
   */
  public boolean olderThanNewestBackup(Snapshot s) {
    Optional<Snapshot> newest = newestBackup();
    if (newest.isEmpty()) {
      return false;
    }
    return newestBackupsSnapshot.isPresent()
        ? sourcePosition.get(s) < sourcePosition.get(newestBackupsSnapshot.get())
        : SnapshotName.ORDER.compare(s.name(), newest.get().name()) < 0;
  }

  /** Why the pair cannot be planned: both sides' problems, not just the first. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    source.problem().ifPresent(problems::add);
    target.problem().ifPresent(problems::add);
    return problems;
  }
}
