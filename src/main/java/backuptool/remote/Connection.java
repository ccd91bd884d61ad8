package backuptool.remote;

import backuptool.btrfs.BtrfsCommands;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The way to one other machine in one run: every command goes through one ssh master connection
 * whose socket is in a directory of its own (so that two ways to one host, with different keys or
 * settings, never share a master: OpenSSH's {@code %C} would not tell them apart).
 */
final class Connection {
  /** Any path: {@link SshArgv} takes the user, host and port of a location, not its path. */
  private static final Path ROOT = Path.of("/");

  /** What ssh-filter exits with when it refuses a command. */
  private static final int FILTER_REFUSED = 77;

  /** What ssh exits with when it, not the remote command, failed. */
  static final int SSH_FAILED = 255;

  private final SshHost host;
  private final List<String> program;
  private volatile Path controlDir;
  private volatile boolean used;

  /** How many masters were given up (see {@link #abandon}). */
  private int abandoned;

  /**
   * {@code controlDir}: the master's socket directory, the caller's own (0700); {@code program}:
   * the words that run ssh (["ssh"], or a test's wrapper).
   */
  Connection(SshHost host, Path controlDir, List<String> program) {
    this.host = host;
    this.controlDir = controlDir;
    this.program = List.copyOf(program);
  }

  SshHost host() {
    return host;
  }

  /** The local command that runs {@code remote} on the host. */
  List<String> argv(List<String> remote) {
    return withProgram(
        SshArgv.command(host.options(), Optional.of(controlDir), host.location(ROOT), remote));
  }

  /** Runs {@code remote} on the host and returns its standard output; a failure says why. */
  String run(List<String> remote) throws BtrfsException {
    Programs.Output o = capture(remote);
    if (o.exit() != 0) {
      throw new BtrfsException(failure(remote, o.exit(), o.err()));
    }
    return o.out();
  }

  /** Runs {@code remote} on the host, whatever its exit code. */
  Programs.Output capture(List<String> remote) throws BtrfsException {
    used = true;
    return Programs.capture(argv(remote));
  }

  /**
   * Why {@code remote} failed with {@code exit}, in the words of whoever failed: ssh (exit 255: the
   * host, the key or the link), the restricted key's filter (77), or the command itself.
   */
  String failure(List<String> remote, int exit, String stderr) {
    if (exit == SSH_FAILED) {
      return unreachable(stderr);
    }
    if (exit == FILTER_REFUSED && stderr.startsWith("ssh-filter: ")) {
      return "the restricted key's filter on "
          + host
          + " refused it: "
          + stderr.trim()
          + " (is the key's ssh-filter line in authorized_keys given this directory?)";
    }
    return BtrfsCommands.display(remote)
        + " failed on "
        + host
        + " (exit "
        + exit
        + "): "
        + (stderr.isBlank() ? "it printed no error message" : stderr.trim())
        + sudoHint(stderr);
  }

  /** What to do when sudo, not btrfs, refused: the usual cause is a missing sudoers line. */
  String sudoHint(String stderr) {
    if (!host.options().sudo() || !stderr.contains("sudo")) {
      return "";
    }
    String user = host.user().or(() -> host.options().user()).orElse("the remote user");
    return " (what to do: sudo = true runs btrfs there as `sudo -n -- btrfs ...`; let "
        + user
        + " run it without a password, with the line `"
        + user
        + " ALL=(root) NOPASSWD: /usr/bin/btrfs` in /etc/sudoers.d/backup-tool on "
        + host.address()
        + " (sudo installed), see docs/remote.md)";
  }

  /** ssh's own failure: OpenSSH's words, and what to do about the usual ones. */
  String unreachable(String stderr) {
    String words =
        stderr
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.matches("@+") && !l.startsWith("@@@"))
            .collect(Collectors.joining(" "));
    return "cannot reach "
        + host
        + " over ssh: "
        + (words.isEmpty() ? "ssh failed (exit 255) and printed nothing" : words)
        + hint(stderr);
  }

  private String hint(String stderr) {
    String known = host.options().knownHostsFile().map(Path::toString).orElse("~/.ssh/known_hosts");
    if (stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
      return " (what to do: the host's key is not the one recorded in "
          + known
          + "; if the host was reinstalled, check its new key's fingerprint there (ssh-keygen -lf"
          + " /etc/ssh/ssh_host_ed25519_key.pub), then replace the old one (ssh-keygen -R "
          + host.address()
          + " -f "
          + known
          + "); if not, someone may be in between: do not connect)";
    }
    if (stderr.contains("Host key verification failed")) {
      return " (what to do: the host's key is not in "
          + known
          + "; check its fingerprint on the host (ssh-keygen -lf"
          + " /etc/ssh/ssh_host_ed25519_key.pub), then add it, e.g. with ssh-keyscan "
          + host.address()
          + " >> "
          + known
          + ", or set accept_new_host_keys = true to trust a host's key on first contact)";
    }
    if (stderr.contains("Permission denied (")) {
      return " (what to do: the host refused the key"
          + host.options().identityFile().map(f -> " " + f).orElse("")
          + "; add its public key to the remote user's ~/.ssh/authorized_keys, see"
          + " docs/remote.md)";
    }
    return "";
  }

  /**
   * Gives up the master connection after a transfer stalled or ssh failed: later commands start a
   * new one, in a socket directory of its own. The old one is not asked to exit: on a dead link it
   * would hang trying to say goodbye, with its socket still taking new clients that then wait
   * forever. Its keep-alives end it (ServerAliveInterval times ServerAliveCountMax).
   */
  void abandon() throws BtrfsException {
    if (!used) {
      return;
    }
    used = false;
    Path fresh = controlDir.resolveSibling(controlDir.getFileName() + "." + ++abandoned);
    try {
      Files.createDirectory(
          fresh,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new BtrfsException("cannot make a socket directory for a new connection: " + e, e);
    }
    controlDir = fresh;
  }

  /** Ends the master connection, if this run started one; a failure only costs its socket. */
  void close() {
    if (!used) {
      return;
    }
    used = false;
    try {
      Programs.capture(
          withProgram(SshArgv.exitMaster(host.options(), controlDir, host.location(ROOT))));
    } catch (BtrfsException e) {
      // ControlPersist ends an idle master by itself.
    }
  }

  private List<String> withProgram(List<String> argv) {
    List<String> all = new ArrayList<>(program);
    all.addAll(argv.subList(1, argv.size())); // argv.get(0) is "ssh"
    return List.copyOf(all);
  }
}
