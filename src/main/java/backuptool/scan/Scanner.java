package backuptool.scan;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Listing;
import backuptool.btrfs.PathInfo;
import backuptool.btrfs.Subvolume;
import backuptool.model.Pair;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns what btrfs reports into scans; asks, never changes. */
public final class Scanner {
  private final Btrfs btrfs;

  public Scanner(Btrfs btrfs) {
    this.btrfs = btrfs;
  }

  public SnapshotScan forSnapshot(Pair pair, SnapshotName name) {
    try {
      return new SnapshotScan(
          pair,
          btrfs.inspect(pair.originalVolume()),
          btrfs.inspect(pair.source()),
          btrfs.inspect(pair.source().resolve(name.text())),
          Optional.empty());
    } catch (BtrfsException e) {
      return new SnapshotScan(pair, null, null, null, Optional.of(e.getMessage()));
    }
  }

  public PairScan scan(Pair pair) {
    return new PairScan(pair, side(pair.source(), false), side(pair.target(), true));
  }

  private SideScan side(Path dir, boolean target) {
    String what = target ? "backup directory " : "snapshot directory ";
    Listing listing;
    try {
      PathInfo info = btrfs.inspect(dir);
      Optional<String> problem = DirectoryProblems.of(info, target);
      if (problem.isPresent()) {
        return SideScan.failed(dir, what + problem.get());
      }
      listing = btrfs.list(dir);
    } catch (BtrfsException e) {
      return SideScan.failed(dir, what + dir + " cannot be scanned: " + e.getMessage());
    }
    List<Snapshot> snapshots = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>();
    for (Subvolume sub : listing.subvolumes()) {
      Optional<SnapshotName> name = SnapshotName.parse(sub.name());
      String why = target ? targetProblem(sub) : sourceProblem(sub);
      if (why == null && name.isEmpty()) {
        why = "read-only subvolume whose name is not a snapshot name";
      }
      if (why == null) {
        snapshots.add(new Snapshot(dir, name.get(), sub));
      } else {
        ignored.add(new Ignored(sub.name(), why, target && isIncomplete(sub)));
      }
    }
    listing
        .directories()
        .forEach(d -> ignored.add(new Ignored(d, "plain directory, not a subvolume", false)));
    listing.others().forEach(o -> ignored.add(new Ignored(o, "not a directory", false)));
    snapshots.sort(Snapshot.ORDER);
    ignored.sort(java.util.Comparator.comparing(Ignored::name));
    return new SideScan(dir, Optional.empty(), snapshots, ignored);
  }

  private static String sourceProblem(Subvolume sub) {
    return sub.readOnly() ? null : "writable subvolume, not a snapshot";
  }

  private static String targetProblem(Subvolume sub) {
    if (isIncomplete(sub)) {
      return "incomplete backup: writable and never finished receiving, as an interrupted receive leaves it";
    }
    if (!sub.readOnly()) {
      return "writable subvolume that was changed after it was received: not trusted as a backup";
    }
    if (sub.receivedUuid().isEmpty()) {
      return "read-only subvolume that was not received: not a backup";
    }
    return null;
  }

  private static boolean isIncomplete(Subvolume sub) {
    return !sub.readOnly() && sub.receivedUuid().isEmpty();
  }
}
