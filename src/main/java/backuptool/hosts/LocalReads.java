package backuptool.hosts;

import backuptool.btrfs.Btrfs;
import backuptool.model.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a scan of pairs reads on this machine, told ahead to its port ({@link Btrfs#readAhead}). */
public final class LocalReads {
  private LocalReads() {}

  /**
   * Tells {@code btrfs} what a scan of {@code pairs} will list and show on this machine: with
   * {@code whole}, each side's directory and the original volume; without (a snapshot, which lists
   * nothing), nothing.
   */
  public static void start(Btrfs btrfs, List<Pair> pairs, boolean whole) {
    if (!whole) {
      return;
    }
    List<Path> directories = new ArrayList<>();
    List<Path> volumes = new ArrayList<>();
    for (Pair p : pairs) {
      if (p.sourceHost().isLocal()) {
        directories.add(p.source());
        volumes.add(p.originalVolume());
      }
      if (p.targetHost().isLocal()) {
        directories.add(p.target());
      }
    }
    if (!directories.isEmpty()) {
      btrfs.readAhead(directories, volumes);
    }
  }
}
