package backuptool.remote;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ssh client's argument list for one remote command: hermetic (no user or system ssh_config,
 * only the options given), never interactive, never trusting an unknown host key unless asked, and
 * sharing one connection per host through a master connection whose socket lives in a directory the
 * caller owns.
 */
final class SshArgv {
  private SshArgv() {}

  /**
   * The longest socket path that the kernel takes (sun_path is 108 bytes with its NUL), less the 17
   * characters of the temporary name ssh binds first ({@code PATH.XXXXXXXXXXXXXXXX}).
   */
  static final int MAX_CONTROL_PATH = 107 - 17;

  /** {@code %C}: a hash of local host, remote host, port and user, so one socket per host. */
  private static final String SOCKET_NAME = "%C";

  /** The 40 hex digits that {@code %C} becomes. */
  private static final int SOCKET_NAME_LENGTH = 40;

  private static final String BTRFS = "btrfs";

  /** What runs a remote btrfs command for a remote user that is not root. */
  static final List<String> SUDO = List.of("sudo", "-n", "--");

  /**
   * {@code ssh OPTIONS -- HOST 'word' 'word' ...}: runs {@code remote} on {@code location}'s host.
   * The location's user and port win over {@code options}'. With {@code controlDir}, the first
   * command to a host starts a master connection there and later ones reuse it (ControlMaster=auto;
   * ControlPersist keeps it for {@link SshOptions#controlPersistSeconds} after its last command);
   * the directory must be the caller's own, 0700, and close it with {@link #exitMaster}.
   */
  static List<String> command(
      SshOptions options, Optional<Path> controlDir, SshLocation location, List<String> remote) {
    List<String> argv = options(options, controlDir, location);
    argv.add("--");
    argv.add(location.host());
    argv.add(RemoteShell.join(options.sudo() ? withSudo(remote) : remote));
    return List.copyOf(argv);
  }

  /**
   * {@code remote} through {@code sudo -n --} when it is a btrfs command: only btrfs needs root
   * (the other commands read what the remote user can read). {@code -n}: never ask for a password
   * (there is no one to answer; sudo fails and says so instead). The restricted key's filter allows
   * exactly this prefix before its btrfs commands.
   */
  static List<String> withSudo(List<String> remote) {
    if (remote.isEmpty() || !remote.get(0).equals(BTRFS)) {
      return remote;
    }
    List<String> prefixed = new ArrayList<>(SUDO);
    prefixed.addAll(remote);
    return List.copyOf(prefixed);
  }

  /** {@code ssh -O exit}: asks the master connection to {@code location}'s host to close. */
  static List<String> exitMaster(SshOptions options, Path controlDir, SshLocation location) {
    List<String> argv = options(options, Optional.of(controlDir), location);
    argv.addAll(List.of("-O", "exit", "--", location.host()));
    return List.copyOf(argv);
  }

  private static List<String> options(
      SshOptions options, Optional<Path> controlDir, SshLocation location) {
    List<String> problems = options.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null"));
    // No terminal, no X11 or agent forwarding: a stream on stdout must stay bytes.
    argv.addAll(List.of("-T", "-x", "-a"));
    option(argv, "BatchMode", "yes");
    option(argv, "StrictHostKeyChecking", options.acceptNewHostKeys() ? "accept-new" : "yes");
    options
        .identityFile()
        .ifPresent(
            key -> {
              argv.addAll(List.of("-i", key.toString()));
              option(argv, "IdentitiesOnly", "yes");
            });
    options
        .knownHostsFile()
        .ifPresent(
            file -> {
              option(argv, "UserKnownHostsFile", file.toString());
              option(argv, "GlobalKnownHostsFile", "/dev/null");
            });
    options
        .connectTimeoutSeconds()
        .ifPresent(s -> option(argv, "ConnectTimeout", Integer.toString(s)));
    option(argv, "ServerAliveInterval", Integer.toString(options.serverAliveIntervalSeconds()));
    option(argv, "ServerAliveCountMax", Integer.toString(options.serverAliveCountMax()));
    controlDir.ifPresent(
        dir -> {
          String path = dir.resolve(SOCKET_NAME).toString();
          int length =
              path.getBytes(StandardCharsets.UTF_8).length
                  - SOCKET_NAME.length()
                  + SOCKET_NAME_LENGTH;
          if (!dir.isAbsolute() || length > MAX_CONTROL_PATH) {
            throw new IllegalArgumentException(
                "the control directory must be an absolute path of at most "
                    + (MAX_CONTROL_PATH - SOCKET_NAME_LENGTH - 1)
                    + " bytes: "
                    + dir);
          }
          option(argv, "ControlMaster", "auto");
          option(argv, "ControlPath", path);
          option(argv, "ControlPersist", options.controlPersistSeconds() + "s");
        });
    options.cipher().ifPresent(c -> argv.addAll(List.of("-c", c)));
    int port = location.port().isPresent() ? location.port().getAsInt() : options.port().orElse(0);
    if (port != 0) {
      argv.addAll(List.of("-p", Integer.toString(port)));
    }
    location.user().or(options::user).ifPresent(u -> argv.addAll(List.of("-l", u)));
    options.extraOptions().forEach(o -> argv.addAll(List.of("-o", o)));
    return argv;
  }

  private static void option(List<String> argv, String name, String value) {
    argv.addAll(List.of("-o", name + "=" + value));
  }
}
