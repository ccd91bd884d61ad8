package backuptool.model;

import backuptool.btrfs.Subvolume;
import java.nio.file.Path;
import java.util.Comparator;

/** A read-only subvolume with a snapshot name, in directory {@code dir} (a source or a target). */
public record Snapshot(Path dir, SnapshotName name, Subvolume subvolume) {

  /**
   * Oldest first by name; where names tie in time, by btrfs creation generation (meaningful within
   * one filesystem), then by the name itself.
   */
  public static final Comparator<Snapshot> ORDER =
      Comparator.comparing((Snapshot s) -> s.name().time())
          .thenComparingLong(s -> s.subvolume().generation())
          .thenComparing(s -> s.name().text());

  public Path path() {
    return dir.resolve(name.text());
  }

  @Override
  public String toString() {
    return name.text();
  }
}
