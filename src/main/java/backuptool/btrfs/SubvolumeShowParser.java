package backuptool.btrfs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code btrfs subvolume show PATH}: one subvolume's identity at the cost of one small
 * process, where listing the whole filesystem again would cost one line per subvolume.
 */
public final class SubvolumeShowParser {
  private SubvolumeShowParser() {}

  /**
   * What {@code show} tells: uuids, the read-only flag, the generation it was created in, and the
   * receive transid (0 if no receive ever completed into it).
   */
  public record Shown(
      String uuid,
      Optional<String> parentUuid,
      Optional<String> receivedUuid,
      boolean readOnly,
      long generation,
      long receiveTransid) {}

  /** A line of the output, by the name btrfs prints before its value. */
  private record Field(String name, Pattern pattern) {
    Field(String name) {
      this(
          name,
          Pattern.compile("^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)\\s*$", Pattern.MULTILINE));
    }
  }

  private static final Field UUID = new Field("UUID");
  private static final Field PARENT_UUID = new Field("Parent UUID");
  private static final Field RECEIVED_UUID = new Field("Received UUID");
  private static final Field FLAGS = new Field("Flags");
  private static final Field CREATED_GENERATION = new Field("Gen at creation");
  private static final Field RECEIVE_TRANSID = new Field("Receive transid");

  public static Shown parse(String output) throws BtrfsException {
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

  private static String value(String output, Field field) throws BtrfsException {
    Matcher m = field.pattern().matcher(output);
    if (!m.find()) {
      throw new BtrfsException("btrfs subvolume show printed no \"" + field.name() + "\" line");
    }
    return m.group(1);
  }
}
