package backuptool.btrfs;

import java.nio.file.Path;

/**
 * What exists at a path. {@code fsType} and {@code filesystem} are empty strings when the path is
 * missing; {@code filesystem} identifies the filesystem (the same value for two paths on the same
 * btrfs filesystem, whatever subvolume or mount they are reached through).
 */
public record PathInfo(Path path, Kind kind, String fsType, String filesystem) {

  /** The kinds of things a path can name. */
  public enum Kind {
    MISSING,
    DIRECTORY,
    SUBVOLUME,
    /** A symbolic link, never followed: the tool acts only where the configuration says. */
    SYMLINK,
    OTHER
  }

  public boolean isDirectory() {
    return kind == Kind.DIRECTORY || kind == Kind.SUBVOLUME;
  }

  public boolean onBtrfs() {
    return fsType.equals("btrfs");
  }
}
