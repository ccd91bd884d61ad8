package backuptool.btrfs;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The expected size of a full send's stream, when btrfs can tell it cheaply: with quotas enabled on
 * the source filesystem, the snapshot's quota group counts the bytes its files' extents occupy
 * ("referenced"), which is about what a full stream carries (the stream adds its commands and
 * metadata; with compression on disk, the stream is larger, as it sends data uncompressed). One
 * {@code btrfs qgroup show}, which fails at once without quotas. An incremental stream's size has
 * no such figure, nor has a full send whose quota numbers btrfs itself doubts (a rescan running or
 * due). An estimate that cannot be had is absent; it never fails the send.
 */
final class StreamEstimate {
  private StreamEstimate() {}

  static OptionalLong fullSend(Path snapshot) {
    try {
      Processes.Output shown = Processes.capture(BtrfsCommands.qgroupShow(snapshot));
      // Any message (e.g. "WARNING: qgroup data inconsistent, rescan recommended") means the
      // numbers may be wrong: no estimate rather than a wrong one.
      if (shown.exit() != 0 || !shown.err().isBlank()) {
        return OptionalLong.empty();
      }
      return referenced(shown.out());
    } catch (BtrfsException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The referenced bytes of the one level-0 quota group in {@code btrfs qgroup show --raw -f}'s
   * output. btrfs-progs 6.2 prints:
   *
   * <pre>
   * Qgroupid    Referenced    Exclusive   Path
   * --------    ----------    ---------   ----
   * 0/257         50020352        16384   s1
   * </pre>
   *
   * (older versions: "qgroupid rfer excl", without the path column).
   */
  static OptionalLong referenced(String output) {
    OptionalLong found = OptionalLong.empty();
    for (String line : output.lines().toList()) {
      String[] columns = line.trim().split("\\s+", -1);
      if (columns.length >= 3 && columns[0].matches("0/[0-9]+")) {
        if (found.isPresent() || !columns[1].matches("[0-9]{1,18}")) {
          return OptionalLong.empty(); // not the one row -f shows: do not guess
        }
        found = OptionalLong.of(Long.parseLong(columns[1]));
      }
    }
    return found;
  }
}
