package backuptool.remote;

import backuptool.btrfs.Btrfs;
import backuptool.hosts.CommandLines;
import backuptool.hosts.Hosts;
import backuptool.hosts.LocalReads;
import backuptool.journal.FileReceiveJournal;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts of a run with other machines: this machine's port and journal, and for each other
 * machine one {@link Connection} (a master connection, made when first used), its {@link
 * RemoteSide}, its ports for both directions of a send, and its journal, kept on this machine.
 */
final class SshHosts implements Hosts {
  private final Btrfs local;
  private final ReceiveJournal localJournal;
  private final Path controlDir;
  private final Path stateDir;
  private final Map<SshHost.ConnectionKey, Connection> connections;
  private final Map<SshHost.ConnectionKey, RemoteSide> sides = new HashMap<>();
  private final Map<String, ReceiveJournal> journals = new HashMap<>();

  SshHosts(
      Btrfs local,
      ReceiveJournal localJournal,
      Map<SshHost.ConnectionKey, Connection> connections,
      Path controlDir,
      Path stateDir) {
    this.local = local;
    this.localJournal = localJournal;
    this.connections = new LinkedHashMap<>(connections);
    this.controlDir = controlDir;
    this.stateDir = stateDir;
  }

  /**
   * One connection per distinct way to reach a host among {@code hosts}, in their order, each with
   * its own socket directory below {@code controlDir}, named by its number (short: a socket path
   * must fit the kernel's 108 bytes).
   */
  static Map<SshHost.ConnectionKey, Connection> connections(
      List<SshHost> hosts, Path controlDir, List<String> program) {
    Map<SshHost.ConnectionKey, Connection> connections = new LinkedHashMap<>();
    for (SshHost h : hosts) {
      connections.computeIfAbsent(
          h.connectionKey(),
          k ->
              new Connection(
                  h, controlDir.resolve(Integer.toString(connections.size() + 1)), program));
    }
    return connections;
  }

  @Override
  public Btrfs btrfs(Host host) {
    return host.isLocal() ? local : port((SshHost) host, RemoteBtrfs.Direction.TO_THERE);
  }

  @Override
  public ReceiveJournal journal(Host host) {
    if (host.isLocal()) {
      return localJournal;
    }
    return journals.computeIfAbsent(host.machine(), m -> FileReceiveJournal.keptIn(stateDir, m));
  }

  @Override
  public Btrfs transfer(Host from, Host to) {
    if (from.isLocal() && to.isLocal()) {
      return local;
    }
    if (from.isLocal()) {
      return port((SshHost) to, RemoteBtrfs.Direction.TO_THERE);
    }
    if (to.isLocal()) {
      return port((SshHost) from, RemoteBtrfs.Direction.FROM_THERE);
    }
    throw new IllegalArgumentException("both sides on other machines: " + from + ", " + to);
  }

  private RemoteBtrfs port(SshHost host, RemoteBtrfs.Direction direction) {
    return new RemoteBtrfs(side(host), direction, local, host.stallTimeout());
  }

  private RemoteSide side(SshHost host) {
    return sides.computeIfAbsent(
        host.connectionKey(),
        k -> {
          Connection c = connections.get(k);
          if (c == null) {
            throw new IllegalArgumentException("no connection to " + host + " in this run");
          }
          return new RemoteSide(c);
        });
  }

  @Override
  public void connectAhead(List<Pair> pairs, boolean whole) {
    reads(pairs, whole).forEach(r -> side(r.host).connectAhead());
  }

  @Override
  public void readAhead(List<Pair> pairs, boolean whole) {
    LocalReads.start(local, pairs, whole);
    reads(pairs, whole)
        .forEach(r -> side(r.host).readAhead(r.directories, r.volumes, whole, r.targets));
  }

  @Override
  public void endReadAhead() {
    local.endReadAhead();
  }

  /** What a scan of {@code pairs} reads on each other machine, by way to reach it. */
  private static Collection<Reads> reads(List<Pair> pairs, boolean whole) {
    Map<SshHost.ConnectionKey, Reads> reads = new LinkedHashMap<>();
    for (Pair p : pairs) {
      if (p.sourceHost() instanceof SshHost h) {
        Reads r = reads.computeIfAbsent(h.connectionKey(), k -> new Reads(h));
        r.directories.add(p.source());
        r.volumes.add(p.originalVolume());
      }
      if (whole && p.targetHost() instanceof SshHost h) {
        Reads r = reads.computeIfAbsent(h.connectionKey(), k -> new Reads(h));
        r.directories.add(p.target());
        r.targets = true;
      }
    }
    return reads.values();
  }

  /** What a scan will read on one host. */
  private static final class Reads {
    final SshHost host;
    final List<Path> directories = new ArrayList<>();
    final List<Path> volumes = new ArrayList<>();
    boolean targets;

    Reads(SshHost host) {
      this.host = host;
    }
  }

  @Override
  public CommandLines commandLines() {
    return new SshCommandLines(h -> connections.get(h.connectionKey()));
  }

  @Override
  public void abort() {
    local.abort();
    sides.values().forEach(RemoteSide::abort);
  }

  /** Ends every master connection, then removes the socket directories. */
  @Override
  public void close() {
    connections.values().forEach(Connection::close);
    ControlDirectory.remove(controlDir);
  }
}
