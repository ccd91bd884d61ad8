package backuptool.scan;

import backuptool.model.Snapshot;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One side of a pair: the snapshots (or backups) in {@code dir}, oldest first, and everything else
 * in it. When {@code problem} is present the side could not be scanned and the lists are empty:
 * that means unknown, never "no snapshots".
 */
public record SideScan(
    Path dir, Optional<String> problem, List<Snapshot> snapshots, List<Ignored> ignored) {
  public SideScan {
    snapshots = List.copyOf(snapshots);
    ignored = List.copyOf(ignored);
  }

  static SideScan failed(Path dir, String problem) {
    return new SideScan(dir, Optional.of(problem), List.of(), List.of());
  }

  /**
   * The names taken in this directory by anything that stays: everything but the incomplete
   * receives left by an interrupted run, which are removed before anything is sent.
   */
  public Set<String> takenNames() {
    Set<String> taken = new HashSet<>();
    snapshots.forEach(s -> taken.add(s.name().text()));
    ignored.stream()
        .filter(i -> i.kind() != Ignored.Kind.LEFT_BY_INTERRUPTED_RUN)
        .forEach(i -> taken.add(i.name()));
    return taken;
  }
}
