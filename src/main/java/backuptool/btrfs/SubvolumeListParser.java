package backuptool.btrfs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the output of {@link BtrfsCommands#listReadOnly} (btrfs-progs 6.2 has no JSON output for
 * it).
 */
public final class SubvolumeListParser {
  private SubvolumeListParser() {}

  /** One line of the list: {@code path} is relative to the filesystem's top-level subvolume. */
  public record Listed(
      String path,
      String uuid,
      Optional<String> parentUuid,
      Optional<String> receivedUuid,
      long generation) {}

  /**
   * The fields of one subvolume line: {@code ID \d+ gen \d+ cgen (\d+) top level \d+ parent_uuid
   * (\S+) +received_uuid (\S+) +uuid (\S+) path (.+)}, read by hand (a regular expression per line
   * was a good part of a cold run's scan).
   */
  private record Fields(
      String cgen, String parentUuid, String receivedUuid, String uuid, String path) {}

  /** With {@code -a}, paths of subvolumes outside the listed one carry this prefix. */
  private static final String TOP_LEVEL_PREFIX = "<FS_TREE>/";

  /**
   * The listed subvolumes by path. {@code path} is the last field, so a line that is not a
   * subvolume line continues the path of the one before: a name can contain a newline. A path
   * listed twice is an error, never "the last one wins": a crafted name could otherwise pose as
   * another subvolume's line.
   */
  public static Map<String, Listed> parse(String output) throws BtrfsException {
    Set<String> twice = new HashSet<>();
    Map<String, Listed> byPath = parse(output, twice);
    if (!twice.isEmpty()) {
      throw new BtrfsException(
          "btrfs subvolume list shows "
              + twice.iterator().next()
              + " twice; refusing to guess which is real");
    }
    return byPath;
  }

  /** The listed subvolumes by path, but those listed twice, whose paths go to {@code twice}. */
  private static Map<String, Listed> parse(String output, Set<String> twice) throws BtrfsException {
    Map<String, Listed> byPath = new HashMap<>();
    Fields current = null;
    StringBuilder path = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      Fields m = fields(line);
      if (m != null) {
        add(byPath, twice, current, path);
        current = m;
        path.setLength(0);
        path.append(m.path());
      } else if (current != null) {
        path.append('\n').append(line);
      } else if (!line.isEmpty()) {
        throw new BtrfsException("unexpected line in btrfs subvolume list output: " + line);
      }
    }
    add(byPath, twice, current, path);
    byPath.keySet().removeAll(twice);
    return byPath;
  }

  /**
   * The read-only subvolumes of {@code readOnlyOutput} ({@link BtrfsCommands#listReadOnly}) that
   * {@code allOutput} ({@link BtrfsCommands#listAll}, of the same filesystem) lists the same: same
   * path, uuid, parent, received uuid and generation. A line of the read-only list can be forged by
   * a subvolume name with a newline (a read-only subvolume anywhere on the filesystem, made by any
   * user who may create one), and naming a writable subvolume, say an interrupted receive, it would
   * pass that as a finished backup: in the full list the real subvolume has its own line under that
   * path, so the forgery is shown twice there and refused, or, were the name changed between the
   * two listings, differs from it. What is left out is asked of the subvolume itself (so a forgery
   * costs its author one {@code btrfs subvolume show} of ours, and fails no run).
   */
  public static Map<String, Listed> confirmed(String readOnlyOutput, String allOutput)
      throws BtrfsException {
    Set<String> twice = new HashSet<>();
    Map<String, Listed> all = parse(allOutput, twice);
    Map<String, Listed> confirmed = new HashMap<>();
    for (Listed l : parse(readOnlyOutput, twice).values()) {
      Listed same = all.get(l.path());
      if (same != null
          && same.uuid().equals(l.uuid())
          && same.parentUuid().equals(l.parentUuid())
          && same.receivedUuid().equals(l.receivedUuid())
          && same.generation() == l.generation()) {
        confirmed.put(l.path(), l);
      }
    }
    return confirmed;
  }

  private static void add(
      Map<String, Listed> byPath, Set<String> twice, Fields m, StringBuilder rawPath) {
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
            m.uuid(),
            absentIfDash(m.parentUuid()),
            absentIfDash(m.receivedUuid()),
            Long.parseLong(m.cgen()));
    if (byPath.putIfAbsent(path, listed) != null) {
      twice.add(path);
    }
  }

  /** The line's fields, or null when it is not a subvolume line (exactly as the pattern above). */
  private static Fields fields(String line) {
    Cursor c = new Cursor(line);
    if (!c.literal("ID ") || !c.digits() || !c.literal(" gen ") || !c.digits()) {
      return null;
    }
    if (!c.literal(" cgen ")) {
      return null;
    }
    int from = c.at;
    if (!c.digits()) {
      return null;
    }
    String cgen = line.substring(from, c.at);
    if (!c.literal(" top level ") || !c.digits() || !c.literal(" parent_uuid ")) {
      return null;
    }
    String parentUuid = c.nonSpace();
    if (parentUuid == null || !c.spaces() || !c.literal("received_uuid ")) {
      return null;
    }
    String receivedUuid = c.nonSpace();
    if (receivedUuid == null || !c.spaces() || !c.literal("uuid ")) {
      return null;
    }
    String uuid = c.nonSpace();
    if (uuid == null || !c.literal(" path ") || c.at == line.length()) {
      return null;
    }
    String path = line.substring(c.at);
    for (int i = 0; i < path.length(); i++) {
      switch (path.charAt(i)) {
        case '\n', '\r', '\u0085', '\u2028', '\u2029' -> {
          return null; // what the pattern's '.' does not match
        }
        default -> {}
      }
    }
    return new Fields(cgen, parentUuid, receivedUuid, uuid, path);
  }

  /** A position in one line, moved forward by what matches. */
  private static final class Cursor {
    private final String line;
    private int at;

    Cursor(String line) {
      this.line = line;
    }

    boolean literal(String text) {
      if (!line.startsWith(text, at)) {
        return false;
      }
      at += text.length();
      return true;
    }

    /** One or more ASCII digits ({@code \d+}). */
    boolean digits() {
      int from = at;
      while (at < line.length() && line.charAt(at) >= '0' && line.charAt(at) <= '9') {
        at++;
      }
      return at > from;
    }

    /** One or more spaces ({@code " +"}). */
    boolean spaces() {
      int from = at;
      while (at < line.length() && line.charAt(at) == ' ') {
        at++;
      }
      return at > from;
    }

    /** One or more characters that are not whitespace ({@code \S+}), or null. */
    String nonSpace() {
      int from = at;
      while (at < line.length() && " \t\n\u000B\f\r".indexOf(line.charAt(at)) < 0) {
        at++;
      }
      return at > from ? line.substring(from, at) : null;
    }
  }

  private static Optional<String> absentIfDash(String uuid) {
    return uuid.equals("-") ? Optional.empty() : Optional.of(uuid);
  }
}
