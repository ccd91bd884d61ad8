package backuptool.realbtrfs;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pair's places on two test filesystems: a live subvolume {@code NAME-live} filled with test
 * data, its snapshot directory {@code NAME-snaps} beside it, and its backup directory {@code
 * NAME-backups} on the other filesystem.
 */
record PairDirs(String name, Path volume, Path snaps, Path backups) {

  static PairDirs create(LoopBtrfs source, LoopBtrfs target, String name) throws IOException {
    Path volume = source.root().resolve(name + "-live");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, name.hashCode());
    return new PairDirs(
        name,
        volume,
        Files.createDirectories(source.root().resolve(name + "-snaps")),
        Files.createDirectories(target.root().resolve(name + "-backups")));
  }

  /** The pair's [[backup_pairs]] table, keeping everything (newest 100, or 1000 days). */
  String toml() {
    return TestConfigs.pair(name, volume, snaps, backups, 100, 1000, 100, 1000);
  }
}
