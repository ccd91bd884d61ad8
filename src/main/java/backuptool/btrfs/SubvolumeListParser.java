package backuptool.btrfs;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the output of {@link BtrfsCommands#listReadOnly} (btrfs-progs 6.2 has no JSON output for
 * it).
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

  /**
   * The listed subvolumes by path. {@code path} is the last field, so a line that is not a
   * subvolume line continues the path of the one before: a name can contain a newline. A path
   * listed twice is an error, never "the last one wins": a crafted name could otherwise pose as
   * another subvolume's line.
   */
  static Map<String, Listed> parse(String output) throws BtrfsException {
    Map<String, Listed> byPath = new HashMap<>();
    Matcher current = null;
    StringBuilder path = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        add(byPath, current, path);
        current = m;
        path.setLength(0);
        path.append(m.group(5));
      } else if (current != null) {
        path.append('\n').append(line);
      } else if (!line.isEmpty()) {
        throw new BtrfsException("unexpected line in btrfs subvolume list output: " + line);
      }
    }
    add(byPath, current, path);
    return byPath;
  }

  private static void add(Map<String, Listed> byPath, Matcher m, StringBuilder rawPath)
      throws BtrfsException {
    if (m == null) {
      return;
    }
    String path = rawPath.toString();
    if (path.endsWith("\n")) {
      path = path.substring(0, path.length() - 1); // the output's own final newline
    }
    if (path.startsWith(TOP_LEVEL_PREFIX)) {
      path = path.substring(TOP_LEVEL_PREFIX.length());
    }
    Listed listed =
        new Listed(
            path,
            m.group(4),
            absentIfDash(m.group(2)),
            absentIfDash(m.group(3)),
            Long.parseLong(m.group(1)));
    if (byPath.putIfAbsent(path, listed) != null) {
      throw new BtrfsException(
          "btrfs subvolume list shows " + path + " twice; refusing to guess which is real");
    }
  }

  private static Optional<String> absentIfDash(String uuid) {
    return uuid.equals("-") ? Optional.empty() : Optional.of(uuid);
  }
}
