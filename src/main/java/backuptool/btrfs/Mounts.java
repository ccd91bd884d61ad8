package backuptool.btrfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mount table from {@code /proc/self/mountinfo} (this machine's, or another's as read over
 * ssh). On btrfs, st_dev differs per subvolume, so the mount source, not the device number, tells
 * which filesystem a path is on.
 */
public final class Mounts {

  /**
   * One mount: {@code root} is the path inside the filesystem that is mounted (for btrfs, relative
   * to the top-level subvolume), {@code source} the device.
   */
  public record Mount(Path point, String root, String fsType, String source) {

    public boolean isBtrfs() {
      return fsType.equals("btrfs");
    }

    /** The path of {@code realPath} (below this mount) inside the filesystem, without leading /. */
    public String pathInFilesystem(Path realPath) {
      String full = Path.of(root).resolve(point.relativize(realPath)).normalize().toString();
      return full.substring(1);
    }
  }

  private final List<Mount> mounts;

  private final Set<Path> points = new HashSet<>();

  private Mounts(List<Mount> mounts) {
    this.mounts = mounts;
    mounts.forEach(m -> points.add(m.point()));
  }

  /** The current mount table; read afresh each time, as mounts come and go. */
  static Mounts read() throws BtrfsException {
    Path mountinfo = Path.of("/proc/self/mountinfo");
    try {
      // Lenient decoding: one mount point with a name in another encoding must not break scans.
      return parse(
          new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8).lines().toList());
    } catch (IOException e) {
      throw new BtrfsException("cannot read the mount table " + mountinfo + ": " + e, e);
    }
  }

  /**
   * Parses mountinfo lines: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE
   * SUPEROPTIONS", in mount order.
   */
  public static Mounts parse(List<String> lines) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      int dash = List.of(f).indexOf("-");
      if (f.length < 7 || dash < 6 || dash + 2 >= f.length) {
        continue; // not a mount line; the kernel writes none, but a bad line must not break scans
      }
      try {
        mounts.add(
            new Mount(Path.of(unescape(f[4])), unescape(f[3]), f[dash + 1], unescape(f[dash + 2])));
      } catch (InvalidPathException e) {
        // A mount point this JVM cannot name (locale) holds no path it can be asked about.
      }
    }
    return new Mounts(List.copyOf(mounts));
  }

  /**
   * The mount holding {@code realPath} (a path without symlinks): the longest mount point that
   * contains it, the latest one if several are stacked on the same point.
   */
  public Mount containing(Path realPath) throws BtrfsException {
    Mount best = null;
    for (Mount m : mounts) {
      if (realPath.startsWith(m.point())
          && (best == null || m.point().getNameCount() >= best.point().getNameCount())) {
        best = m;
      }
    }
    if (best == null) {
      throw new BtrfsException("no mount in the mount table contains " + realPath);
    }
    return best;
  }

  public boolean isMountPoint(Path realPath) {
    return points.contains(realPath);
  }

  /** Undoes the kernel's octal escapes of space, tab, newline and backslash ("\040"). */
  static String unescape(String field) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 3 < field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
