package backuptool.btrfs;

import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.util.List;

/**
 * The entries directly inside a directory: subvolumes, plain directories and anything else (files,
 * symlinks, devices), each list sorted by name.
 */
public record Listing(
    Path dir, List<Subvolume> subvolumes, List<String> directories, List<String> others) {

  public Listing {
    subvolumes = List.copyOf(subvolumes);
    directories = List.copyOf(directories);
    others = List.copyOf(others);
  }
}
