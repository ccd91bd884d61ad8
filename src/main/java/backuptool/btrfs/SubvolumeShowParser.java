package backuptool.btrfs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code btrfs subvolume show PATH}: one subvolume's identity at the cost of one small
 * process, where listing the whole filesystem again would cost one line per subvolume.
 */
final class SubvolumeShowParser {
  private SubvolumeShowParser() {}

  /**
   * What {@code show} tells: uuids, the read-only flag, the generation it was created in, and the
   * receive transid (0 if no receive ever completed into it).
   */
  record Shown(
      String uuid,
      Optional<String> parentUuid,
      Optional<String> receivedUuid,
      boolean readOnly,
      long generation,
      long receiveTransid) {}

  private static final Pattern UUID = field("UUID");
  private static final Pattern PARENT_UUID = field("Parent UUID");
  private static final Pattern RECEIVED_UUID = field("Received UUID");
  private static final Pattern FLAGS = field("Flags");
  private static final Pattern CREATED_GENERATION = field("Gen at creation");
  private static final Pattern RECEIVE_TRANSID = field("Receive transid");

  private static Pattern field(String name) {
    return Pattern.compile("^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)\\s*$", Pattern.MULTILINE);
  }

  static Shown parse(String output) throws BtrfsException {
    return new Shown(
        value(output, UUID),
        optional(value(output, PARENT_UUID)),
        optional(value(output, RECEIVED_UUID)),
        value(output, FLAGS).contains("readonly"),
        Long.parseLong(value(output, CREATED_GENERATION)),
        Long.parseLong(value(output, RECEIVE_TRANSID)));
  }

  private static Optional<String> optional(String uuid) {
    return uuid.equals("-") ? Optional.empty() : Optional.of(uuid);
  }

  private static String value(String output, Pattern field) throws BtrfsException {
    Matcher m = field.matcher(output);
    if (!m.find()) {
      throw new BtrfsException("btrfs subvolume show printed no " + field.pattern() + " line");
    }
    return m.group(1);
  }
}
