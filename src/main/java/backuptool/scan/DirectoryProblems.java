package backuptool.scan;

import backuptool.btrfs.PathInfo;
import java.util.Optional;

/** Why a snapshot or backup directory cannot be used, in words that say what to do. */
final class DirectoryProblems {
  private DirectoryProblems() {}

  static Optional<String> of(PathInfo info, boolean target) {
    String path = info.path().toString();
    if (info.kind() == PathInfo.Kind.MISSING) {
      return Optional.of(
          path
              + " does not exist"
              + (target
                  ? " (is the backup disk mounted? create the directory if this is the first backup)"
                  : " (create it with: mkdir -p " + path + ")"));
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
