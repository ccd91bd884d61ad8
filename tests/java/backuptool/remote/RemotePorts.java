package backuptool.remote;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.RealBtrfs;
import backuptool.ssh.SshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The port of an {@link SshServer}'s machine as the tool makes it, for tests in other packages (the
 * contract suite): root through {@code key}, the server's pinned known_hosts, one master in {@code
 * controlDir}, ssh run in the client namespace.
 */
public final class RemotePorts {
  private RemotePorts() {}

  /** The port whose sends go from this machine to the server's (push). */
  public static Btrfs push(SshServer server, Path key, Path controlDir) {
    return port(server, key, controlDir, RemoteBtrfs.Direction.TO_THERE);
  }

  /** The port whose sends go from the server's machine to this one (pull). */
  public static Btrfs pull(SshServer server, Path key, Path controlDir) {
    return port(server, key, controlDir, RemoteBtrfs.Direction.FROM_THERE);
  }

  /** The options of a test's connection: the server's pinned key, short timeouts. */
  public static SshOptions options(SshServer server, Path key) {
    return new SshOptions(
        Optional.of(key),
        Optional.of(server.knownHosts()),
        OptionalInt.empty(),
        Optional.of("root"),
        OptionalInt.of(5),
        Optional.empty(),
        false,
        false,
        List.of(),
        5,
        3,
        30);
  }

  private static Btrfs port(
      SshServer server, Path key, Path controlDir, RemoteBtrfs.Direction direction) {
    Duration stall = Duration.ofSeconds(30);
    SshHost host =
        new SshHost(
            Optional.empty(), server.address(), OptionalInt.empty(), options(server, key), stall);
    Connection c = new Connection(host, controlDir, server.client(List.of("ssh")));
    return new RemoteBtrfs(new RemoteSide(c), direction, new RealBtrfs(), stall);
  }
}
