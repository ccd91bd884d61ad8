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

  /**
   * The record's own equality, written out: the generated equals and hashCode are linked through
   * invokedynamic at their first call (and those of SnapshotName and Subvolume with them), which
   * cost a cold 1,000-snapshot run about 20 ms of linking and slow first calls; a scan hashes and
   * compares every snapshot. Names are compared first: in one directory they tell snapshots apart.
   */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Snapshot s
            && name.text().equals(s.name.text())
            && dir.equals(s.dir)
            && name.equals(s.name)
            && subvolume.equals(s.subvolume));
  }

  /** From the directory and name alone, which equal snapshots share. */
  @Override
  public int hashCode() {
    return 31 * dir.hashCode() + name.text().hashCode();
  }

  @Override
  public String toString() {
    return name.text();
  }
}
