package backuptool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who the run is, as far as trust goes: its effective user, and whether it may use btrfs's
 * administrative calls (subvolume list, snapshot, send, receive and delete need CAP_SYS_ADMIN).
 */
public record Privileges(int effectiveUid, boolean btrfsAdmin) {
  private static final int CAP_SYS_ADMIN = 21;

  /** "Uid:" then the real, effective, saved and filesystem uids. */
  private static final Pattern UID = Pattern.compile("Uid:\\s+\\d+\\s+(\\d+)\\s.*");

  /** Root with every capability: what the tests' in-process runs pretend to be. */
  public static Privileges root() {
    return new Privileges(0, true);
  }

  /** This process, from the kernel's own account in /proc/self/status. */
  static Privileges current() {
    int uid = -1;
    boolean admin = false;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        Matcher m = UID.matcher(line);
        if (m.matches()) {
          uid = Integer.parseInt(m.group(1));
        } else if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          admin = (caps & (1L << CAP_SYS_ADMIN)) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Unknown: treated as unprivileged, which only refuses to run.
    }
    return new Privileges(uid, admin);
  }
}
