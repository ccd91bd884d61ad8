package backuptool.scan;

import backuptool.btrfs.PathInfo;
import backuptool.model.Host;
import java.util.Optional;

/** Why a snapshot or backup directory cannot be used, in words that say what to do. */
public final class DirectoryProblems {
  private DirectoryProblems() {}

  /** Why symlinks are refused, and what to do instead. */
  public static final String SYMLINK =
      "%s is a symbolic link; name the directory it points to in the configuration (links are"
          + " not followed, so that the tool acts only where the configuration says)";

  public static Optional<String> of(PathInfo info, boolean target) {
    return of(info, target, Host.LOCAL);
  }

  /** {@link #of(PathInfo, boolean)} for a directory on {@code host}. */
  public static Optional<String> of(PathInfo info, boolean target, Host host) {
    String path = host.show(info.path());
    String on = host.isLocal() ? "" : " on " + host;
    if (info.kind() == PathInfo.Kind.MISSING) {
      return Optional.of(
          path
              + " does not exist"
              + (target
                  ? " (is the backup disk mounted? create the directory if this is the first backup)"
                  : " (create it" + on + " with: mkdir -p " + info.path() + ")"));
    }
    if (info.kind() == PathInfo.Kind.SYMLINK) {
      return Optional.of(SYMLINK.formatted(path));
    }
    if (!info.isDirectory()) {
      return Optional.of(path + " is not a directory");
    }
    if (!info.onBtrfs()) {
      return Optional.of(
          path
              + " is on a filesystem of type "
              + info.fsType()
              + ", not btrfs"
              + (target ? " (is the backup disk mounted?)" : ""));
    }
    return Optional.empty();
  }
}
