package backuptool.remote;

import backuptool.model.Host;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Another machine, reached over ssh: the user, host and port of an ssh:// URL, and how to reach it
 * (the pair's {@code [ssh]} settings).
 *
 * @param user the remote user, if the URL names one (else the settings' or ssh's default)
 * @param address the host name or address, as in the URL (an IPv6 address without brackets)
 * @param port the port, if the URL names one (else the settings' or 22)
 * @param options how ssh is run for this host
 * @param stallTimeout a transfer that moves no byte for this long is ended (never a limit on how
 *     long a transfer may take)
 */
public record SshHost(
    Optional<String> user,
    String address,
    OptionalInt port,
    SshOptions options,
    Duration stallTimeout)
    implements Host {

  /** OpenSSH's port, unless the URL or the settings name another. */
  static final int DEFAULT_PORT = 22;

  /** A transfer that moved nothing for ten minutes is ended, by default. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(10);

  public SshHost {
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive: " + stallTimeout);
    }
  }

  /** The host of {@code location}, reached with {@code options}. */
  public static SshHost of(SshLocation location, SshOptions options, Duration stallTimeout) {
    return new SshHost(location.user(), location.host(), location.port(), options, stallTimeout);
  }

  @Override
  public boolean isLocal() {
    return false;
  }

  @Override
  public String show(Path path) {
    return location(path).toString();
  }

  /** The host name (lower case, as DNS compares it) and the port that ssh connects to. */
  @Override
  public String machine() {
    return address.toLowerCase(Locale.ROOT) + ":" + effectivePort();
  }

  /** What ssh is given to log in: [user@]address, as short messages show it. */
  String login() {
    return user.map(u -> u + "@").orElse("") + address;
  }

  int effectivePort() {
    return port.orElse(options.port().orElse(DEFAULT_PORT));
  }

  /** {@code path} on this host, as an ssh:// location. */
  SshLocation location(Path path) {
    return new SshLocation(user, address, port, path.toString());
  }

  /**
   * What a connection to this host depends on: two hosts with the same key share one master
   * connection. Everything but the stall timeout, which is about transfers, not the connection: the
   * key file too (OpenSSH's own {@code %C} leaves it out, so that a restricted and an unrestricted
   * key to one host would otherwise share the first one's connection).
   */
  ConnectionKey connectionKey() {
    return new ConnectionKey(user, address, port, options);
  }

  /**
   * See {@link #connectionKey}. Compared by written-out methods: a record's own are linked at their
   * first use, which costs about 20 ms of the start of every run with another machine.
   */
  record ConnectionKey(
      Optional<String> user, String address, OptionalInt port, SshOptions options) {
    @Override
    public boolean equals(Object o) {
      return o == this
          || (o instanceof ConnectionKey k
              && address.equals(k.address)
              && user.equals(k.user)
              && port.equals(k.port)
              && options.equals(k.options));
    }

    @Override
    public int hashCode() {
      return address.hashCode();
    }
  }

  @Override
  public String toString() {
    return SshLocation.SCHEME
        + user.map(u -> u + "@").orElse("")
        + (address.contains(":") ? "[" + address + "]" : address)
        + (port.isPresent() ? ":" + port.getAsInt() : "");
  }
}
