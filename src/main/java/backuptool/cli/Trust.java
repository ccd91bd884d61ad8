package backuptool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a user other than root (or the run's own user) could change a file or directory that a
 * privileged run relies on: by owning it, by writing it, or by replacing it in a directory above
 * it. The rule is close to the one sshd applies to {@code authorized_keys}: a directory that others
 * may write is acceptable only with the sticky bit, where nobody can replace another user's
 * entries.
 */
final class Trust {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;

  private Trust() {}

  /**
   * Why {@code path} cannot be trusted by a run of user {@code uid}, or empty when it can: it, or a
   * directory above it (as written and as resolved through links), is owned by another user or is
   * writable by group or others (directories above: unless sticky).
   */
  static Optional<String> problem(Path path, int uid) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Optional<String> own = ownProblem(absolute, uid, false);
    if (own.isPresent()) {
      return own;
    }
    Set<Path> above = new LinkedHashSet<>(ancestors(absolute));
    above.addAll(ancestors(absolute.toRealPath()));
    for (Path dir : above) {
      Optional<String> problem = ownProblem(dir, uid, true);
      if (problem.isPresent()) {
        return Optional.of(problem.get() + ", and " + absolute + " lies below it");
      }
    }
    return Optional.empty();
  }

  private static List<Path> ancestors(Path path) {
    List<Path> dirs = new ArrayList<>();
    for (Path p = path.getParent(); p != null; p = p.getParent()) {
      dirs.add(p);
    }
    return dirs;
  }

  private static Optional<String> ownProblem(Path path, int uid, boolean stickyAllowed)
      throws IOException {
    Map<String, Object> attrs = Files.readAttributes(path, "unix:uid,mode"); // follows links
    int owner = (Integer) attrs.get("uid");
    int mode = (Integer) attrs.get("mode");
    if (owner != 0 && owner != uid) {
      return Optional.of(
          path + " is owned by " + userName(path) + " (uid " + owner + "), not by root");
    }
    if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(stickyAllowed && (mode & STICKY) != 0)) {
      return Optional.of(
          path
              + " is writable by "
              + ((mode & 0002) != 0 ? "every user" : "its group")
              + String.format(" (mode %04o)", mode & 07777));
    }
    return Optional.empty();
  }

  private static String userName(Path path) {
    try {
      return Files.getOwner(path).getName();
    } catch (IOException e) {
      return "another user";
    }
  }
}
