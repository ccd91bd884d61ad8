package backuptool.hosts;

import backuptool.btrfs.Btrfs;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Pair;
import java.util.List;

/**
 * The hosts that one run touches: for each, the btrfs port that acts there and the journal of the
 * receives into it; and for each direction of a transfer, the port that sends it. Closing it ends
 * the connections to other machines.
 */
public interface Hosts extends AutoCloseable {

  /** The port that inspects, lists, snapshots and deletes on {@code host}. */
  Btrfs btrfs(Host host);

  /** The record of receives into {@code host}'s directories that did not finish. */
  ReceiveJournal journal(Host host);

  /**
   * The port whose {@link Btrfs#send} sends a snapshot on {@code from} into a directory on {@code
   * to}, and checks it there.
   */
  Btrfs transfer(Host from, Host to);

  /**
   * Starts connecting now to the other machines that a scan of {@code pairs} will ask, alongside
   * the work on this machine: with {@code whole}, both sides (a backup, a purge, the status);
   * without, the snapshots' side alone (a snapshot). Nothing to do on this machine alone.
   */
  default void connectAhead(List<Pair> pairs, boolean whole) {}

  /**
   * Starts reading now what a scan of {@code pairs} will ask, each read alongside the others and
   * the caller's work: with {@code whole}, both sides and what is in them; without, the paths that
   * a snapshot looks at (on this machine, that is nothing worth starting ahead). To be called once
   * the pairs are locked.
   */
  void readAhead(List<Pair> pairs, boolean whole);

  /**
   * Ends the {@link #readAhead} on this machine once the scan is over: what it started and the scan
   * did not take is waited for and dropped (see {@link Btrfs#endReadAhead}).
   */
  void endReadAhead();

  /** The command lines of operations, as -v shows them: exactly what runs. */
  CommandLines commandLines();

  /** Stops every running operation on every host, as {@link Btrfs#abort} does for one. */
  void abort();

  /** Ends the connections to other machines; never fails a run that is over. */
  @Override
  void close();

  /** This machine alone: {@code btrfs} and {@code journal}; another host is an error. */
  static Hosts local(Btrfs btrfs, ReceiveJournal journal) {
    return new LocalHosts(btrfs, journal);
  }
}
