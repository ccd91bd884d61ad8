package backuptool.model;

import java.nio.file.Path;
import java.util.Comparator;

/** A read-only subvolume with a snapshot name, in directory {@code dir} (a source or a target). */
public record Snapshot(Path dir, SnapshotName name, Subvolume subvolume) {

  /**
   * Backups on a target, oldest first: by the time in their names, then by generation, then by the
   * whole name. Names, not receive order, because backups can arrive out of order.
   */
  public static final Comparator<Snapshot> BY_NAME =
      Comparator.comparing((Snapshot s) -> s.name().time())
          .thenComparingLong(s -> s.subvolume().generation())
          .thenComparing(s -> s.name().text());

  /**
   * Snapshots in a source directory, oldest first: in the order btrfs created them (generation),
   * then by name. Clocks go back (daylight saving, a wrong clock corrected); generations do not, so
   * the incremental chain and "newest" follow what really happened.
   */
  public static final Comparator<Snapshot> BY_CREATION =
      Comparator.comparingLong((Snapshot s) -> s.subvolume().generation())
          .thenComparing(s -> s.name().time())
          .thenComparing(s -> s.name().text());

  public Path path() {
    return dir.resolve(name.text());
  }

  @Override
  public String toString() {
    return name.text();
  }
}
