package backuptool.btrfs;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the output of {@link BtrfsCommands#listAll} (btrfs-progs 6.2 has no JSON output for it).
 */
final class SubvolumeListParser {
  private SubvolumeListParser() {}

  /** One line of the list: {@code path} is relative to the filesystem's top-level subvolume. */
  record Listed(
      String path,
      String uuid,
      Optional<String> parentUuid,
      Optional<String> receivedUuid,
      long generation) {}

  private static final Pattern LINE =
      Pattern.compile(
          "ID \\d+ gen \\d+ cgen (\\d+) top level \\d+ parent_uuid (\\S+) +received_uuid (\\S+)"
              + " +uuid (\\S+) path (.+)");

  /** With {@code -a}, paths of subvolumes outside the listed one carry this prefix. */
  private static final String TOP_LEVEL_PREFIX = "<FS_TREE>/";

  /** The listed subvolumes by path; a line in another format is an error, never skipped. */
  static Map<String, Listed> parse(String output) throws BtrfsException {
    Map<String, Listed> byPath = new HashMap<>();
    for (String line : output.lines().toList()) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new BtrfsException("unexpected line in btrfs subvolume list output: " + line);
      }
      String path = m.group(5);
      if (path.startsWith(TOP_LEVEL_PREFIX)) {
        path = path.substring(TOP_LEVEL_PREFIX.length());
      }
      byPath.put(
          path,
          new Listed(
              path,
              m.group(4),
              absentIfDash(m.group(2)),
              absentIfDash(m.group(3)),
              Long.parseLong(m.group(1))));
    }
    return byPath;
  }

  private static Optional<String> absentIfDash(String uuid) {
    return uuid.equals("-") ? Optional.empty() : Optional.of(uuid);
  }
}
