package backuptool.model;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A backup pair: live subvolume {@code originalVolume}, its snapshots in {@code source}, their
 * backups in {@code target}. Paths are absolute and normalised, each on its side's host: the
 * original volume and its snapshots on {@code sourceHost}, the backups on {@code targetHost} (at
 * most one of them another machine). {@code snapshotBeforeUpgrade}: the apt hook's {@code
 * --snapshot --before-upgrade} selects this pair. {@code staleAfter}: --status calls the pair stale
 * when its newest backup or snapshot is older.
 */
public record Pair(
    String name,
    Path originalVolume,
    Path source,
    Path target,
    Retention sourceRetention,
    Retention targetRetention,
    boolean snapshotBeforeUpgrade,
    Duration staleAfter,
    Host sourceHost,
    Host targetHost) {

  /** A daily timer and some slack: a newest backup older than this is late. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(26);

  public Pair {
    for (Path p : new Path[] {originalVolume, source, target}) {
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("not absolute: " + p);
      }
    }
    if (!sourceHost.isLocal() && !targetHost.isLocal()) {
      throw new IllegalArgumentException("both sides on other machines: " + name);
    }
  }

  /** A pair on this machine alone. */
  public Pair(
      String name,
      Path originalVolume,
      Path source,
      Path target,
      Retention sourceRetention,
      Retention targetRetention,
      boolean snapshotBeforeUpgrade,
      Duration staleAfter) {
    this(
        name,
        originalVolume,
        source,
        target,
        sourceRetention,
        targetRetention,
        snapshotBeforeUpgrade,
        staleAfter,
        Host.LOCAL,
        Host.LOCAL);
  }

  /** A pair on this machine alone that the apt hook leaves alone (the key's default). */
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

  /** The original volume as the configuration names it: a path, or an ssh:// URL. */
  public String volumeLocation() {
    return sourceHost.show(originalVolume);
  }

  /** The snapshot directory as the configuration names it. */
  public String sourceLocation() {
    return sourceHost.show(source);
  }

  /** The backup directory as the configuration names it. */
  public String targetLocation() {
    return targetHost.show(target);
  }
}
