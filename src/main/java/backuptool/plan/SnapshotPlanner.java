package backuptool.plan;

import backuptool.btrfs.PathInfo;
import backuptool.model.Host;
import backuptool.model.SnapshotName;
import backuptool.scan.DirectoryProblems;
import backuptool.scan.SnapshotScan;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plans one read-only snapshot per pair, all with the same name. */
public final class SnapshotPlanner {
  private SnapshotPlanner() {}

  public static Plan plan(List<SnapshotScan> scans, SnapshotName name, LocalDateTime now) {
    List<PairPlan> pairs = new ArrayList<>();
    for (SnapshotScan scan : scans) {
      List<String> problems = problems(scan);
      if (!problems.isEmpty()) {
        pairs.add(PairPlan.failed(scan.pair(), problems));
        continue;
      }
      String reason = "read-only snapshot of " + scan.pair().volumeLocation();
      pairs.add(
          new PairPlan(
              scan.pair(),
              List.of(),
              List.of(
                  new Step.CreateSnapshot(
                      scan.pair().sourceHost(),
                      scan.pair().originalVolume(),
                      scan.destination().path(),
                      reason))));
    }
    return new Plan(Verb.SNAPSHOT, now, pairs);
  }

  private static List<String> problems(SnapshotScan scan) {
    if (scan.problem().isPresent()) {
      return List.of(scan.problem().get());
    }
    List<String> problems = new ArrayList<>();
    Host host = scan.pair().sourceHost();
    PathInfo volume = scan.volume();
    PathInfo source = scan.source();
    if (volume.kind() == PathInfo.Kind.MISSING) {
      problems.add("original volume " + host.show(volume.path()) + " does not exist");
    } else if (volume.kind() == PathInfo.Kind.SYMLINK) {
      problems.add(
          "original volume " + DirectoryProblems.SYMLINK.formatted(host.show(volume.path())));
    } else if (volume.kind() != PathInfo.Kind.SUBVOLUME) {
      problems.add(
          "original volume "
              + host.show(volume.path())
              + " is not a btrfs subvolume (only subvolumes can be snapshotted; create one with: btrfs subvolume create)");
    }
    Optional<String> sourceProblem = DirectoryProblems.of(source, false, host);
    if (sourceProblem.isPresent()) {
      problems.add("snapshot directory " + sourceProblem.get());
    } else if (volume.kind() == PathInfo.Kind.SUBVOLUME
        && !source.filesystem().equals(volume.filesystem())) {
      problems.add(
          "snapshot directory "
              + host.show(source.path())
              + " is not on the same btrfs filesystem as "
              + host.show(volume.path())
              + " (snapshots cannot cross filesystems)");
    }
    if (problems.isEmpty() && scan.destination().kind() != PathInfo.Kind.MISSING) {
      problems.add(
          host.show(scan.destination().path())
              + " already exists; nothing is overwritten (wait a second, or choose another --suffix)");
    }
    return problems;
  }
}
