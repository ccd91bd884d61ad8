package backuptool.btrfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The mount points /etc/fstab lists, where disks are meant to be mounted. */
public final class Fstab {
  private final List<Path> mountPoints;

  private Fstab(List<Path> mountPoints) {
    this.mountPoints = mountPoints;
  }

  static Fstab read(Path file) throws BtrfsException {
    try {
      return parse(Files.readAllLines(file));
    } catch (NoSuchFileException e) {
      return new Fstab(List.of());
    } catch (IOException e) {
      throw new BtrfsException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static Fstab parse(List<String> lines) {
    List<Path> points = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.strip().split("\\s+", -1);
      if (f.length < 2 || f[0].startsWith("#") || !f[1].startsWith("/")) {
        continue; // comments, blank lines, swap ("none")
      }
      try {
        points.add(Path.of(Mounts.unescape(f[1])).normalize());
      } catch (InvalidPathException e) {
        // a mount point this JVM cannot name holds no path it is asked about
      }
    }
    return new Fstab(List.copyOf(points));
  }

  /** The longest listed mount point, other than /, that is {@code path} or contains it. */
  public Optional<Path> mountPointAbove(Path path) {
    Path best = null;
    for (Path p : mountPoints) {
      if (p.getNameCount() > 0
          && path.startsWith(p)
          && (best == null || p.getNameCount() > best.getNameCount())) {
        best = p;
      }
    }
    return Optional.ofNullable(best);
  }
}
