package backuptool.remote;

import backuptool.btrfs.BtrfsCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every command the tool runs on a remote side, as argument lists (quoted by {@link RemoteShell}).
 * The restricted key's filter ({@code src/packaging/bin/ssh-filter}) allows exactly these forms and
 * nothing else, so a command added here must be added there too (the tests run every one of them
 * through the filter over a real sshd).
 *
 * <p>Who needs what ("root" is a directory the filter was given: {@code --source-root} for the
 * snapshots on a pulled host, {@code --target-root} for the backups on a server; "volume" is a
 * pulled host's original volume, {@code --volume}):
 *
 * <table>
 *   <caption>remote commands by verb and side</caption>
 *   <tr><th>command</th><th>verbs</th><th>side</th><th>filter allows it on</th></tr>
 *   <tr><td>{@link #listReadOnly}, {@link #listAll}, {@link #showTopLevel}</td>
 *       <td>all (scan)</td><td>both</td><td>a root, below one, or a volume</td></tr>
 *   <tr><td>{@link #show}</td><td>all (scan), backup (check after receive)</td><td>both</td>
 *       <td>a root, below one, or a volume</td></tr>
 *   <tr><td>{@link #stat}, {@link #realpath}, {@link #listDirectory}</td><td>all (scan:
 *       inspect, list)</td><td>both</td><td>a root or below one ({@code stat}, {@code realpath}
 *       also a volume)</td></tr>
 *   <tr><td>{@link #readMountInfo}, {@link #readFstab}</td><td>all (which filesystem; the
 *       unmounted-disk check)</td><td>both</td><td>only these two files</td></tr>
 *   <tr><td>{@link #snapshot}</td><td>snapshot</td><td>source (pull)</td><td>a volume into a
 *       new name below a source root</td></tr>
 *   <tr><td>{@link #send}</td><td>backup</td><td>source (pull)</td><td>snapshot and parent below
 *       a source root</td></tr>
 *   <tr><td>{@link #receive}</td><td>backup</td><td>target (push)</td><td>a target root or a
 *       directory below one</td></tr>
 *   <tr><td>{@link #deleteBatches}</td><td>purge; backup (a partial receive)</td><td>both</td>
 *       <td>subvolumes below a root</td></tr>
 * </table>
 *
 * <p>With {@code --read-only} the filter refuses snapshot, receive and delete. Where the command is
 * the same as the local one, it is {@link BtrfsCommands}' list, so the two cannot drift apart.
 */
final class RemoteCommands {
  private RemoteCommands() {}

  /**
   * The most a remote command line may take, in bytes. The filter gets it in the environment
   * variable SSH_ORIGINAL_COMMAND and a login shell as its {@code -c} argument; Linux limits each
   * of those strings to 128 KiB (MAX_ARG_STRLEN). Half that leaves room for anything ssh adds.
   */
  static final int MAX_COMMAND_BYTES = 64 * 1024;

  /** {@code stat}'s format: the file mode in hex (type and permissions) and the inode number. */
  static final String STAT_FORMAT = "--format=%f %i";

  /** {@code find}'s format: type letter, inode number and name of each entry, NUL-terminated. */
  static final String FIND_FORMAT = "%y\\0%i\\0%P\\0";

  /** Every read-only subvolume of {@code path}'s filesystem (any path on it will do). */
  static List<String> listReadOnly(Path path) {
    return BtrfsCommands.listReadOnly(path);
  }

  /** Every subvolume of {@code path}'s filesystem, writable ones too. */
  static List<String> listAll(Path path) {
    return BtrfsCommands.listAll(path);
  }

  /** The top-level subvolume of {@code path}'s filesystem. */
  static List<String> showTopLevel(Path path) {
    return BtrfsCommands.showTopLevel(path);
  }

  static List<String> show(Path subvolume) {
    return BtrfsCommands.show(subvolume);
  }

  static List<String> snapshot(Path volume, Path destination) {
    return BtrfsCommands.snapshot(volume, destination);
  }

  static List<String> send(Path snapshot, Optional<Path> parent) {
    return BtrfsCommands.send(snapshot, parent);
  }

  /**
   * Receives a stream into {@code directory}. {@code -q}: btrfs receive prints "At subvol"/"At
   * snapshot" on either stream otherwise. {@code -C} (chroot into the directory): the stream comes
   * from the other machine, and confined to the directory not even a crafted one can write outside
   * it (through a symbolic link it made, say); receive then prints one line "Chroot to DIR" on
   * stderr, which is not an error.
   */
  static List<String> receive(Path directory) {
    return BtrfsCommands.receiveConfined(directory);
  }

  /**
   * Deletes {@code subvolumes} in as few commands as fit {@link #MAX_COMMAND_BYTES} each (one
   * {@code btrfs subvolume delete a b c} is about 20 times faster than one per subvolume).
   */
  static List<List<String>> deleteBatches(List<Path> subvolumes) {
    List<List<String>> batches = new ArrayList<>();
    List<Path> batch = new ArrayList<>();
    int base = bytes(RemoteShell.join(BtrfsCommands.delete(List.of())));
    int size = base;
    for (Path p : subvolumes) {
      int word = 1 + bytes(RemoteShell.quote(p.toString()));
      if (base + word > MAX_COMMAND_BYTES) {
        throw new IllegalArgumentException("a path of " + word + " bytes: " + p);
      }
      if (size + word > MAX_COMMAND_BYTES) {
        batches.add(BtrfsCommands.delete(batch));
        batch.clear();
        size = base;
      }
      batch.add(p);
      size += word;
    }
    if (!batch.isEmpty()) {
      batches.add(BtrfsCommands.delete(batch));
    }
    return List.copyOf(batches);
  }

  /**
   * What is at {@code path} without following a final symbolic link: its mode in hex and its inode
   * (a directory with inode 256 on btrfs is a subvolume's root). Which filesystem it is on comes
   * from {@link #realpath} and {@link #readMountInfo}, not from stat's {@code %m}: that stops at
   * every subvolume, since each btrfs subvolume has its own device number.
   */
  static List<String> stat(Path path) {
    return List.of("stat", STAT_FORMAT, "--", path.toString());
  }

  /** {@code path} with every symbolic link resolved, NUL-terminated; fails if it does not exist. */
  static List<String> realpath(Path path) {
    return List.of("realpath", "-e", "-z", "--", path.toString());
  }

  /**
   * The entries of {@code directory} ({@code -H}: the directory itself may be reached through a
   * symbolic link, as the local scanner allows; the entries are not followed): type letter, inode
   * and name of each, NUL-separated, so any name is read back exactly.
   */
  static List<String> listDirectory(Path directory) {
    return List.of(
        "find",
        "-H",
        directory.toString(),
        "-mindepth",
        "1",
        "-maxdepth",
        "1",
        "-printf",
        FIND_FORMAT);
  }

  /** The remote mount table: which filesystem a path is on, and whether a disk is mounted. */
  static List<String> readMountInfo() {
    return List.of("cat", "/proc/self/mountinfo");
  }

  /** The remote fstab: whether a target's disk should be mounted (the unmounted-disk check). */
  static List<String> readFstab() {
    return List.of("cat", "/etc/fstab");
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
