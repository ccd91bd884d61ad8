package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether tests on real btrfs can run here: they need root, btrfs-progs, util-linux,
 * bsdutils (script, a pseudo-terminal), mount, procps (kill), and a kernel that mounts btrfs on
 * loop devices. In CI (CI=true) they must run, so a missing piece fails the test; elsewhere the
 * test is skipped, saying what is missing.
 */
public final class RealBtrfsSupport {
  private RealBtrfsSupport() {}

  private static final List<String> COMMANDS =
      List.of(
          "btrfs",
          "mkfs.btrfs",
          "mount",
          "umount",
          "losetup",
          "setpriv",
          "runuser",
          "kill",
          "script");

  /** What is missing; empty when real-btrfs tests can run; null until checked. */
  private static String missing;

  /** Call first in {@code @BeforeAll} of every test class tagged "btrfs". */
  public static synchronized void assumeAvailable() {
    if (missing == null) {
      missing = check();
    }
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("real btrfs tests must run in CI (CI=true), but " + missing);
    }
    Assumptions.abort("real btrfs tests skipped (they run when CI=true): " + missing);
  }

  private static String check() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!Integer.valueOf(0).equals(uid)) {
        return "they need root, and this runs as uid " + uid;
      }
    } catch (IOException | UnsupportedOperationException e) {
      return "cannot tell whether this runs as root: " + e;
    }
    List<String> absent = new ArrayList<>();
    for (String command : COMMANDS) {
      if (!onPath(command)) {
        absent.add(command);
      }
    }
    if (!absent.isEmpty()) {
      return "not on PATH: "
          + String.join(", ", absent)
          + " (Debian/Ubuntu: apt-get install btrfs-progs util-linux bsdutils mount procps)";
    }
    try {
      LoopBtrfs.create("probe").close();
      return "";
    } catch (IOException e) {
      return "cannot mount a btrfs image on a loop device: " + e.getMessage();
    }
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
