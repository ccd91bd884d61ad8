package backuptool.ssh;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides whether tests with a real sshd can run here: besides what real-btrfs tests need (check
 * that first), OpenSSH's client and server, ip (iproute2) and nsenter (util-linux). In CI (CI=true)
 * they must run, so a missing piece fails the test; elsewhere it is skipped, saying what is
 * missing. ./build.sh installs them.
 */
public final class SshSupport {
  private SshSupport() {}

  private static final List<String> COMMANDS = List.of("ssh", "ssh-keygen", "ip", "nsenter");

  /** Call in {@code @BeforeAll}, after {@code RealBtrfsSupport.assumeAvailable()}. */
  public static void assumeAvailable() {
    List<String> absent = new ArrayList<>();
    for (String command : COMMANDS) {
      if (!onPath(command)) {
        absent.add(command);
      }
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/sshd"))) {
      absent.add("/usr/sbin/sshd");
    }
    if (absent.isEmpty()) {
      return;
    }
    String missing =
        "not found: "
            + String.join(", ", absent)
            + " (Debian/Ubuntu: apt-get install openssh-client openssh-server iproute2"
            + " util-linux)";
    require(missing);
  }

  /**
   * Call too in a test that logs in as a user other than root ({@link SshServer#addUser}), with
   * btrfs through sudo: sudo, visudo, useradd and userdel.
   */
  public static void assumeUsersAndSudo() {
    List<String> absent = new ArrayList<>();
    for (String command : List.of("sudo", "visudo", "useradd", "userdel")) {
      if (!onPath(command)) {
        absent.add(command);
      }
    }
    if (!absent.isEmpty()) {
      require(
          "not found: "
              + String.join(", ", absent)
              + " (Debian/Ubuntu: apt-get install sudo passwd)");
    }
  }

  private static void require(String missing) {
    if ("true".equals(System.getenv("CI"))) {
      fail("ssh tests must run in CI (CI=true), but " + missing);
    }
    Assumptions.abort("ssh tests skipped (they run when CI=true): " + missing);
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
