package backuptool.hosts;

import backuptool.btrfs.Btrfs;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import java.util.List;

/** This machine alone, for runs (and tests) whose pairs have no side on another one. */
final class LocalHosts implements Hosts {
  private final Btrfs btrfs;
  private final ReceiveJournal journal;

  LocalHosts(Btrfs btrfs, ReceiveJournal journal) {
    this.btrfs = btrfs;
    this.journal = journal;
  }

  @Override
  public Btrfs btrfs(Host host) {
    return local(host);
  }

  @Override
  public ReceiveJournal journal(Host host) {
    local(host);
    return journal;
  }

  @Override
  public Btrfs transfer(Host from, Host to) {
    local(from);
    return local(to);
  }

  @Override
  public void readAhead(List<Pair> pairs, boolean whole) {
    LocalReads.start(btrfs, pairs, whole);
  }

  @Override
  public void endReadAhead() {
    btrfs.endReadAhead();
  }

  @Override
  public CommandLines commandLines() {
    return CommandLines.LOCAL;
  }

  @Override
  public void abort() {
    btrfs.abort();
  }

  @Override
  public void close() {}

  private Btrfs local(Host host) {
    if (!host.isLocal()) {
      throw new IllegalArgumentException("no connection to " + host + " in this run");
    }
    return btrfs;
  }
}
