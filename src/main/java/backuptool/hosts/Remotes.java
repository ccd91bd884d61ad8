package backuptool.hosts;

import backuptool.btrfs.Btrfs;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How a run reaches the other machines of its pairs. */
@FunctionalInterface
public interface Remotes {
  /** No other machine: runs whose pairs are all on this one. */
  Remotes NONE = (local, localJournal, pairs, stateDir) -> Hosts.local(local, localJournal);

  /**
   * The hosts of one run over {@code pairs}: this machine's port {@code local} and journal {@code
   * localJournal}, and the other machines that the pairs name. {@code stateDir}: where this machine
   * keeps records of receives into others, unless the default.
   */
  Hosts open(Btrfs local, ReceiveJournal localJournal, List<Pair> pairs, Optional<Path> stateDir)
      throws IOException;
}
