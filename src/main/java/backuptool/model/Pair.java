package backuptool.model;

import java.nio.file.Path;

/**
 * A backup pair: live subvolume {@code originalVolume}, its snapshots in {@code source}, their
 * backups in {@code target}. Paths are absolute and normalised.
 */
public record Pair(
    String name,
    Path originalVolume,
    Path source,
    Path target,
    Retention sourceRetention,
    Retention targetRetention) {

  public Pair {
    for (Path p : new Path[] {originalVolume, source, target}) {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("not absolute: " + p);
      }
    }
  }
}
