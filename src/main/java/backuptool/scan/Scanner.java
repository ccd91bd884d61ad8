package backuptool.scan;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Listing;
import backuptool.btrfs.PathInfo;
import backuptool.journal.FileReceiveJournal;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Pair;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.model.Subvolume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns what btrfs and the receive journal report into scans; asks, never changes. */
public final class Scanner {
  private final Btrfs btrfs;
  private final ReceiveJournal journal;

  public Scanner(Btrfs btrfs, ReceiveJournal journal) {
    this.btrfs = btrfs;
    this.journal = journal;
  }

  public SnapshotScan forSnapshot(Pair pair, SnapshotName name) {
    try {
      PathInfo source = btrfs.inspect(pair.source());
      Path destination = pair.source().resolve(name.text());
      return new SnapshotScan(
          pair,
          btrfs.inspect(pair.originalVolume()),
          source,
          source.isDirectory()
              ? btrfs.inspect(destination)
              : new PathInfo(destination, PathInfo.Kind.MISSING, "", ""),
          Optional.empty());
    } catch (BtrfsException e) {
      return new SnapshotScan(pair, null, null, null, Optional.of(e.getMessage()));
    }
  }

  public PairScan scan(Pair pair) {
    PathInfo source;
    PathInfo target;
    try {
      source = btrfs.inspect(pair.source());
      target = btrfs.inspect(pair.target());
    } catch (BtrfsException e) {
      SideScan failed = SideScan.failed(pair.source(), e.getMessage());
      return new PairScan(pair, failed, SideScan.failed(pair.target(), e.getMessage()));
    }
    Optional<String> targetProblem;
    try {
      targetProblem =
          btrfs
              .unmountedMountPoint(pair.target())
              .map(
                  m ->
                      pair.target()
                          + ": nothing is mounted on "
                          + m
                          + ", which /etc/fstab lists: the backup disk looks unmounted (mount it and run again)")
              .or(() -> DirectoryProblems.of(target, true));
    } catch (BtrfsException e) {
      targetProblem = Optional.of(e.getMessage());
    }
    if (targetProblem.isEmpty()
        && source.onBtrfs()
        && target.filesystem().equals(source.filesystem())) {
      // An unplugged disk leaves its empty mount point on the system disk: never back up there.
      targetProblem =
          Optional.of(
              pair.target()
                  + " is on the same filesystem as the snapshots in "
                  + pair.source()
                  + ": the backup disk looks unmounted (mount it, or point target at a directory on the backup disk)");
    }
    return new PairScan(
        pair,
        side(source, DirectoryProblems.of(source, false), false),
        side(target, targetProblem, true));
  }

  private SideScan side(PathInfo info, Optional<String> problem, boolean target) {
    Path dir = info.path();
    String what = target ? "backup directory " : "snapshot directory ";
    if (problem.isPresent()) {
      return SideScan.failed(dir, what + problem.get());
    }
    Listing listing;
    Set<String> unfinished;
    try {
      listing = btrfs.list(dir);
      unfinished = target ? journal.unfinished(dir) : Set.of();
    } catch (BtrfsException e) {
      return SideScan.failed(dir, what + dir + " cannot be scanned: " + e.getMessage());
    } catch (IOException e) {
      return SideScan.failed(
          dir, "cannot read the receive journal in " + dir + ": " + e.getMessage());
    }
    List<Snapshot> snapshots = new ArrayList<>();
    List<Ignored> ignored = new ArrayList<>();
    for (Subvolume sub : listing.subvolumes()) {
      Optional<SnapshotName> name = SnapshotName.parse(sub.name());
      if (target && isIncomplete(sub)) {
        try {
          ignored.add(incomplete(dir.resolve(sub.name()), unfinished.contains(sub.name())));
        } catch (BtrfsException e) {
          return SideScan.failed(dir, what + dir + " cannot be scanned: " + e.getMessage());
        }
        continue;
      }
      String why = target ? targetProblem(sub) : sourceProblem(sub);
      if (why == null && name.isEmpty()) {
        why = "read-only subvolume whose name is not a snapshot name";
      }
      if (why == null) {
        snapshots.add(new Snapshot(dir, name.get(), sub));
      } else {
        ignored.add(new Ignored(sub.name(), why, Ignored.Kind.OTHER));
      }
    }
    listing
        .directories()
        .forEach(
            d ->
                ignored.add(
                    new Ignored(d, "plain directory, not a subvolume", Ignored.Kind.OTHER)));
    listing.others().stream()
        .filter(o -> !(target && FileReceiveJournal.isOwnFile(o)))
        .forEach(o -> ignored.add(new Ignored(o, "not a directory", Ignored.Kind.OTHER)));
    snapshots.sort(Snapshot.ORDER);
    ignored.sort(Comparator.comparing(Ignored::name));
    return new SideScan(dir, Optional.empty(), snapshots, ignored);
  }

  /**
   * An incomplete receive is this tool's to remove only if the journal shows a run of it started
   * the receive, and btrfs shows no receive ever completed into it: a backup that someone made
   * writable by hand looks incomplete too, but btrfs remembers that it was received.
   */
  private Ignored incomplete(Path path, boolean journaled) throws BtrfsException {
    String name = path.getFileName().toString();
    if (!journaled) {
      return new Ignored(
          name,
          "incomplete backup (writable, never finished receiving) that this tool has no record of"
              + " starting: left alone, check it and delete it by hand",
          Ignored.Kind.INCOMPLETE);
    }
    if (btrfs.receiveCompleted(path)) {
      return new Ignored(
          name,
          "writable subvolume without received uuid, but btrfs shows a receive completed into it:"
              + " a backup made writable by hand, left alone",
          Ignored.Kind.INCOMPLETE);
    }
    return new Ignored(
        name,
        "incomplete backup, left by an interrupted run (its receive never finished)",
        Ignored.Kind.LEFT_BY_INTERRUPTED_RUN);
  }

  private static String sourceProblem(Subvolume sub) {
    return sub.readOnly() ? null : "writable subvolume, not a snapshot";
  }

  private static String targetProblem(Subvolume sub) {
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
