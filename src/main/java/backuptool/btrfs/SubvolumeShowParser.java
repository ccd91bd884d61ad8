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

  /** What {@code show} tells: uuids, and the receive transid (0 if no receive completed). */
  record Shown(String uuid, Optional<String> receivedUuid, long receiveTransid) {}

  private static final Pattern UUID = field("UUID");
  private static final Pattern RECEIVED_UUID = field("Received UUID");
  private static final Pattern RECEIVE_TRANSID = field("Receive transid");

  private static Pattern field(String name) {
    return Pattern.compile("^\\s*" + Pattern.quote(name) + ":\\s*(\\S+)\\s*$", Pattern.MULTILINE);
  }

  static Shown parse(String output) throws BtrfsException {
    String uuid = value(output, UUID);
    String received = value(output, RECEIVED_UUID);
    return new Shown(
        uuid,
        received.equals("-") ? Optional.empty() : Optional.of(received),
        Long.parseLong(value(output, RECEIVE_TRANSID)));
  }

  private static String value(String output, Pattern field) throws BtrfsException {
    Matcher m = field.matcher(output);
    if (!m.find()) {
      throw new BtrfsException("btrfs subvolume show printed no " + field.pattern() + " line");
    }
    return m.group(1);
  }
}
