package backuptool.model;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A backup pair: live subvolume {@code originalVolume}, its snapshots in {@code source}, their
 * backups in {@code target}. Paths are absolute and normalised. {@code snapshotBeforeUpgrade}: the
 * apt hook's {@code --snapshot --before-upgrade} selects this pair. {@code staleAfter}: --status
 * calls the pair stale when its newest backup or snapshot is older.
 */
public record Pair(
    String name,
    Path originalVolume,
    Path source,
    Path target,
    Retention sourceRetention,
    Retention targetRetention,
    boolean snapshotBeforeUpgrade,
    Duration staleAfter) {

  /** A daily timer and some slack: a newest backup older than this is late. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(26);

  public Pair {
    for (Path p : new Path[] {originalVolume, source, target}) {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("not absolute: " + p);
      }
    }
  }

  /** A pair that the apt hook leaves alone (the key's default). */
  public Pair(
      String name,
      Path originalVolume,
      Path source,
      Path target,
      Retention sourceRetention,
      Retention targetRetention) {
    this(
        name,
        originalVolume,
        source,
        target,
        sourceRetention,
        targetRetention,
        false,
        DEFAULT_STALE_AFTER);
  }
}
