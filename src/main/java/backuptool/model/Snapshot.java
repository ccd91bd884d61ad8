package backuptool.model;

import java.nio.file.Path;
import java.util.Comparator;

/** A read-only subvolume with a snapshot name, in directory {@code dir} (a source or a target). */
public record Snapshot(Path dir, SnapshotName name, Subvolume subvolume) {

  /**
   * Snapshots and backups alike, oldest first: by the time in their names, then by the whole name,
   * and only then by creation generation. Both sides and both retention rules use this one order,
   * so that "newest" means the same everywhere and a hand-made or restored snapshot ages by its
   * name wherever it is. Names are unique in a directory; the generation only keeps the order total
   * for snapshots of several directories.
   */
  public static final Comparator<Snapshot> ORDER =
      Comparator.comparing(Snapshot::name, SnapshotName.ORDER)
          .thenComparingLong(s -> s.subvolume().generation());

  public Path path() {
    return dir.resolve(name.text());
  }

  @Override
  public String toString() {
    return name.text();
  }
}
