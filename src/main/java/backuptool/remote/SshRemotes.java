package backuptool.remote;

import backuptool.btrfs.Btrfs;
import backuptool.hosts.CommandLines;
import backuptool.hosts.Hosts;
import backuptool.hosts.Remotes;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reaches other machines over OpenSSH: one master connection per host and way to reach it. */
public final class SshRemotes implements Remotes {
  /** Where the records of receives into other machines are kept, unless state_dir says. */
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/backup-tool");

  /** Where each run makes its private socket directory: short, and on every system. */
  static final Path CONTROL_BASE = Path.of("/tmp");

  private final List<String> program;
  private final Path defaultStateDir;

  private SshRemotes(List<String> program, Path defaultStateDir) {
    this.program = List.copyOf(program);
    this.defaultStateDir = defaultStateDir;
  }

  /** The ssh on PATH, the records in {@link #DEFAULT_STATE_DIR}. */
  public static SshRemotes real() {
    return new SshRemotes(List.of("ssh"), DEFAULT_STATE_DIR);
  }

  /**
   * {@code program} in place of ssh (a test runs it in another network namespace), the records in
   * {@code defaultStateDir} unless the configuration says otherwise.
   */
  public static SshRemotes with(List<String> program, Path defaultStateDir) {
    return new SshRemotes(program, defaultStateDir);
  }

  @Override
  public Hosts open(
      Btrfs local, ReceiveJournal localJournal, List<Pair> pairs, Optional<Path> stateDir)
      throws IOException {
    List<SshHost> remote = remoteHosts(pairs);
    if (remote.isEmpty()) {
      return Hosts.local(local, localJournal);
    }
    int count = SshHosts.connections(remote, CONTROL_BASE, program).size();
    Path controlDir = ControlDirectory.create(CONTROL_BASE, count);
    return new SshHosts(
        local,
        localJournal,
        SshHosts.connections(remote, controlDir, program),
        controlDir,
        stateDir.orElse(defaultStateDir));
  }

  /**
   * How a run over {@code pairs} with socket directory {@code controlDir} shows its command lines
   * (for tests that show them without connecting).
   */
  public static CommandLines commandLines(List<Pair> pairs, Path controlDir) {
    var connections = SshHosts.connections(remoteHosts(pairs), controlDir, List.of("ssh"));
    return new SshCommandLines(h -> connections.get(h.connectionKey()));
  }

  private static List<SshHost> remoteHosts(List<Pair> pairs) {
    List<SshHost> hosts = new ArrayList<>();
    for (Pair p : pairs) {
      for (Host h : List.of(p.sourceHost(), p.targetHost())) {
        if (h instanceof SshHost ssh) {
          hosts.add(ssh);
        }
      }
    }
    return hosts;
  }
}
