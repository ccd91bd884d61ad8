package backuptool.remote;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to reach remote sides: the values of the configuration's {@code [ssh]} table. Empty values
 * leave OpenSSH's defaults, with the hermetic exceptions that {@link SshArgv} always sets.
 *
 * @param identityFile the private key ({@code -i}, only that key is offered)
 * @param knownHostsFile the only file of known host keys (else the user's and the system's)
 * @param port the port, unless the location names one
 * @param user the remote user, unless the location names one
 * @param connectTimeoutSeconds how long to wait for a connection
 * @param cipher the cipher ({@code -c}), e.g. aes128-gcm@openssh.com on machines with AES-NI
 * @param acceptNewHostKeys whether a host not yet in the known hosts is added on first contact
 *     ({@code StrictHostKeyChecking=accept-new}); a changed key is refused either way
 * @param sudo whether the remote btrfs commands run through {@code sudo -n}, for a remote user that
 *     is not root (the other commands, which only read, run as that user)
 * @param extraOptions further {@code -o Name=value} options, none of those the tool sets
 * @param serverAliveIntervalSeconds keep-alive interval: a dead link ends the connection after
 *     about interval times count seconds, instead of hanging
 * @param serverAliveCountMax keep-alives without answer before the connection is given up
 * @param controlPersistSeconds how long an idle master connection stays after its last command, in
 *     case the tool dies before it closes the master
 */
public record SshOptions(
    Optional<Path> identityFile,
    Optional<Path> knownHostsFile,
    OptionalInt port,
    Optional<String> user,
    OptionalInt connectTimeoutSeconds,
    Optional<String> cipher,
    boolean acceptNewHostKeys,
    boolean sudo,
    List<String> extraOptions,
    int serverAliveIntervalSeconds,
    int serverAliveCountMax,
    int controlPersistSeconds) {

  /** Written out, as {@link SshHost.ConnectionKey}'s, which compares these. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof SshOptions s
            && identityFile.equals(s.identityFile)
            && knownHostsFile.equals(s.knownHostsFile)
            && port.equals(s.port)
            && user.equals(s.user)
            && connectTimeoutSeconds.equals(s.connectTimeoutSeconds)
            && cipher.equals(s.cipher)
            && acceptNewHostKeys == s.acceptNewHostKeys
            && sudo == s.sudo
            && extraOptions.equals(s.extraOptions)
            && serverAliveIntervalSeconds == s.serverAliveIntervalSeconds
            && serverAliveCountMax == s.serverAliveCountMax
            && controlPersistSeconds == s.controlPersistSeconds);
  }

  @Override
  public int hashCode() {
    return identityFile.hashCode() * 31 + user.hashCode();
  }

  /** OpenSSH's defaults, keep-alives every 15 s (a dead link fails within a minute). */
  public static final SshOptions DEFAULTS =
      new SshOptions(
          Optional.empty(),
          Optional.empty(),
          OptionalInt.empty(),
          Optional.empty(),
          OptionalInt.of(10),
          Optional.empty(),
          false,
          false,
          List.of(),
          15,
          4,
          60);

  /**
   * Options the tool sets itself, lower case as ssh compares them. ssh takes the first value given
   * for an option, so an extra option could not change these; it is refused instead of being
   * silently ignored.
   */
  static final Set<String> SET_BY_THE_TOOL =
      Set.of(
          "batchmode",
          "stricthostkeychecking",
          "identitiesonly",
          "identityfile",
          "userknownhostsfile",
          "globalknownhostsfile",
          "connecttimeout",
          "serveraliveinterval",
          "serveralivecountmax",
          "controlmaster",
          "controlpath",
          "controlpersist",
          "ciphers",
          "port",
          "user",
          "hostname",
          "requesttty",
          "forwardagent",
          "forwardx11",
          "clearallforwardings");

  private static final Pattern OPTION = Pattern.compile("([A-Za-z][A-Za-z0-9]*)=(.+)");
  private static final Pattern CIPHER = Pattern.compile("[A-Za-z0-9@.,+_-]+");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  public SshOptions {
    extraOptions = List.copyOf(extraOptions);
  }

  /** Every reason why these values cannot be used, each saying which key and what to write. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    identityFile.ifPresent(f -> absolute("identity_file", f, problems));
    knownHostsFile.ifPresent(f -> absolute("known_hosts_file", f, problems));
    if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
      problems.add("port " + port.getAsInt() + " is not from 1 to 65535");
    }
    user.ifPresent(u -> problems.addAll(userProblems(u)));
    if (connectTimeoutSeconds.isPresent() && connectTimeoutSeconds.getAsInt() < 1) {
      problems.add("connect_timeout must be at least 1 (seconds)");
    }
    cipher.ifPresent(c -> problems.addAll(cipherProblems(c)));
    problems.addAll(extraOptionsProblems(extraOptions));
    if (serverAliveIntervalSeconds < 1 || serverAliveCountMax < 1) {
      problems.add("the keep-alive interval and count must be at least 1");
    }
    if (controlPersistSeconds < 1) {
      problems.add("the master connection must persist at least 1 second");
    }
    return List.copyOf(problems);
  }

  /** Why {@code user} cannot be a remote user name, if it cannot. */
  public static List<String> userProblems(String user) {
    if (USER.matcher(user).matches()) {
      return List.of();
    }
    return List.of(
        "user "
            + Shown.text(user)
            + " is not a valid user name: use letters, digits, '_', '.' and '-', not first '-'");
  }

  /** Why {@code cipher} cannot be given to {@code ssh -c}, if it cannot. */
  public static List<String> cipherProblems(String cipher) {
    if (CIPHER.matcher(cipher).matches()) {
      return List.of();
    }
    return List.of(
        "cipher "
            + Shown.text(cipher)
            + " is not a cipher name (see `ssh -Q cipher`), e.g. aes128-gcm@openssh.com");
  }

  /** Why each of {@code extraOptions} cannot be passed as {@code -o}, if one cannot. */
  public static List<String> extraOptionsProblems(List<String> extraOptions) {
    List<String> problems = new ArrayList<>();
    for (String option : extraOptions) {
      var m = OPTION.matcher(option);
      if (!m.matches() || RemoteShell.problem(option).isPresent()) {
        problems.add(
            "extra_options entry "
                + Shown.text(option)
                + " is not of the form Name=value (one ssh_config option, no control characters)");
      } else if (SET_BY_THE_TOOL.contains(m.group(1).toLowerCase(Locale.ROOT))) {
        problems.add(
            "extra_options entry "
                + Shown.text(option)
                + " sets "
                + m.group(1)
                + ", which backup-tool sets itself (see the [ssh] keys in docs/remote.md)");
      }
    }
    return problems;
  }

  private static void absolute(String key, Path file, List<String> problems) {
    if (!file.isAbsolute()) {
      problems.add(key + " " + Shown.text(file.toString()) + " is not an absolute path");
    }
  }
}
