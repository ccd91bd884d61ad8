package backuptool.scenarios;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.FakeBtrfs;
import backuptool.hosts.CommandLines;
import backuptool.hosts.Hosts;
import backuptool.journal.MemoryReceiveJournal;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import backuptool.remote.SshRemotes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hosts of a scenario with other machines: every machine is the one fake (as the ssh tests'
 * machines share their filesystems), each other machine has a journal of its own, and the command
 * lines are the real ssh ones with a fixed socket directory, so that transcripts stay the same.
 */
final class FakeHosts implements Hosts {
  /** The run's socket directory, as a real run would make it (with pid and random letters). */
  static final Path CONTROL_DIR = Path.of("/tmp/backup-tool-ssh.4242.test");

  private final FakeBtrfs btrfs;
  private final ReceiveJournal local;
  private final Map<String, MemoryReceiveJournal> remote;
  private final CommandLines lines;

  /** {@code remote}: the journals of other machines by machine, kept across runs by the caller. */
  FakeHosts(
      FakeBtrfs btrfs,
      ReceiveJournal local,
      Map<String, MemoryReceiveJournal> remote,
      List<Pair> pairs) {
    this.btrfs = btrfs;
    this.local = local;
    this.remote = remote;
    this.lines = SshRemotes.commandLines(pairs, CONTROL_DIR);
  }

  @Override
  public Btrfs btrfs(Host host) {
    return btrfs;
  }

  @Override
  public ReceiveJournal journal(Host host) {
    return host.isLocal()
        ? local
        : remote.computeIfAbsent(host.machine(), m -> new MemoryReceiveJournal());
  }

  @Override
  public Btrfs transfer(Host from, Host to) {
    return btrfs;
  }

  @Override
  public void readAhead(List<Pair> pairs, boolean whole) {
    // the fake answers at once: nothing to start ahead
  }

  @Override
  public void endReadAhead() {
    // nothing was started ahead
  }

  @Override
  public CommandLines commandLines() {
    return lines;
  }

  @Override
  public void abort() {
    btrfs.abort();
  }

  @Override
  public void close() {}
}
