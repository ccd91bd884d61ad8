package backuptool.btrfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The btrfs-progs command lines for each operation, in one place, so that what {@code -v} shows is
 * exactly what the real implementation runs.
 */
public final class BtrfsCommands {
  /** Words a shell takes as they are. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=+,@%-]+");

  private BtrfsCommands() {}

  public static List<String> snapshot(Path volume, Path destination) {
    return List.of(
        "btrfs", "subvolume", "snapshot", "-r", volume.toString(), destination.toString());
  }

  public static List<String> send(Path snapshot, Optional<Path> parent) {
    List<String> argv = new ArrayList<>(List.of("btrfs", "send"));
    parent.ifPresent(p -> argv.addAll(List.of("-p", p.toString())));
    argv.add(snapshot.toString());
    return List.copyOf(argv);
  }

  public static List<String> receive(Path targetDir) {
    return List.of("btrfs", "receive", targetDir.toString());
  }

  /**
   * Receives a stream from another machine into {@code targetDir}: {@code -C} confines the receive
   * to the directory (chroot), so that not even a crafted stream can write outside it; {@code -q}
   * leaves out the "At subvol" lines. It still prints "Chroot to DIR" on stderr, which is no error.
   */
  public static List<String> receiveConfined(Path targetDir) {
    return List.of("btrfs", "receive", "-q", "-C", targetDir.toString());
  }

  /**
   * Shows the quota group of subvolume {@code subvolume} (and only its own, {@code -f}) in bytes;
   * fails unless quotas are enabled on its filesystem.
   */
  public static List<String> qgroupShow(Path subvolume) {
    return List.of("btrfs", "qgroup", "show", "--raw", "-f", subvolume.toString());
  }

  public static List<String> delete(List<Path> subvolumes) {
    List<String> argv = new ArrayList<>(List.of("btrfs", "subvolume", "delete"));
    subvolumes.forEach(p -> argv.add(p.toString()));
    return List.copyOf(argv);
  }

  public static List<String> show(Path subvolume) {
    return List.of("btrfs", "subvolume", "show", subvolume.toString());
  }

  /**
   * Lists every read-only subvolume of the filesystem mounted at {@code mountPoint} with its uuids
   * (snapshots and backups are read-only; the few writable ones are asked one by one). Without
   * {@code -a}, btrfs-progs shows the subvolumes below the mounted subvolume relative to it and the
   * others relative to the top level, which is ambiguous; with {@code -a} every path is relative to
   * the top level, some prefixed with {@code <FS_TREE>/}.
   */
  public static List<String> listReadOnly(Path mountPoint) {
    return List.of(
        "btrfs", "subvolume", "list", "-r", "-a", "-c", "-u", "-q", "-R", mountPoint.toString());
  }

  /** Shows the top-level subvolume of the filesystem mounted at {@code mountPoint}. */
  public static List<String> showTopLevel(Path mountPoint) {
    return List.of("btrfs", "subvolume", "show", "-r", "5", mountPoint.toString());
  }

  /**
   * Lists every subvolume of the filesystem mounted at {@code mountPoint}, writable ones too, for
   * the rare question whether a uuid still exists; paths as in {@link #listReadOnly}.
   */
  public static List<String> listAll(Path mountPoint) {
    return List.of(
        "btrfs", "subvolume", "list", "-a", "-c", "-u", "-q", "-R", mountPoint.toString());
  }

  /** Renders an argument list for people: words with shell metacharacters are single-quoted. */
  public static String display(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String word : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(word));
    }
    return sb.toString();
  }

  static String quote(String word) {
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
