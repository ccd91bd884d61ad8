package backuptool.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups a pair's operations into the units that run as one btrfs command: consecutive deletes in
 * one directory form one batch (one process instead of one per subvolume); the rest run alone.
 */
public final class Batches {
  private Batches() {}

  public static List<List<Step.Operation>> of(List<Step.Operation> operations) {
    List<List<Step.Operation>> batches = new ArrayList<>();
    List<Step.Operation> current = null;
    Path currentDir = null;
    for (Step.Operation op : operations) {
      Path dir = op instanceof Step.Delete d ? d.subvolume().getParent() : null;
      if (dir != null && dir.equals(currentDir)) {
        current.add(op);
        continue;
      }
      current = new ArrayList<>();
      current.add(op);
      batches.add(current);
      currentDir = dir;
    }
    return batches;
  }

  /** The command that runs {@code batch}. */
  public static String command(List<Step.Operation> batch) {
    if (batch.size() == 1) {
      return batch.get(0).command();
    }
    List<Path> paths = batch.stream().map(op -> ((Step.Delete) op).subvolume()).toList();
    return backuptool.btrfs.BtrfsCommands.display(backuptool.btrfs.BtrfsCommands.delete(paths));
  }
}
