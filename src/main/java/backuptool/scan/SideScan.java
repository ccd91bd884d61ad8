package backuptool.scan;

import backuptool.model.Snapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
   * True if {@code name} is taken in this directory by anything that stays: everything but an
   * incomplete receive left by an interrupted run, which is removed before anything is sent.
   */
  public boolean has(String name) {
    return snapshots.stream().anyMatch(s -> s.name().text().equals(name))
        || ignored.stream()
            .anyMatch(
                i -> i.name().equals(name) && i.kind() != Ignored.Kind.LEFT_BY_INTERRUPTED_RUN);
  }
}
