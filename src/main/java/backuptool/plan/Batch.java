package backuptool.plan;

import backuptool.btrfs.BtrfsException;
import backuptool.hosts.CommandLines;
import backuptool.model.Host;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Operations that run as one btrfs command: consecutive deletes in one directory of one host form
 * one batch (one process instead of one per subvolume); every other operation runs alone.
 */
public sealed interface Batch {

  /** A pair's operations in batches, in plan order. */
  static List<Batch> of(List<Step.Operation> operations) {
    List<Batch> batches = new ArrayList<>();
    int i = 0;
    while (i < operations.size()) {
      if (operations.get(i) instanceof Step.Delete first) {
        Path dir = first.subvolume().getParent();
        Host host = first.host();
        List<Step.Delete> deletes = new ArrayList<>();
        while (i < operations.size()
            && operations.get(i) instanceof Step.Delete d
            && d.subvolume().getParent().equals(dir)
            && d.host().equals(host)) {
          deletes.add(d);
          i++;
        }
        batches.add(new Deletes(deletes));
      } else {
        batches.add(new Alone(operations.get(i++)));
      }
    }
    return batches;
  }

  /** The operations of this batch, in plan order. */
  List<Step.Operation> operations();

  /** The command line that runs this batch, as {@code lines} shows it. */
  String command(CommandLines lines);

  /** Runs the whole batch through {@code runner}. */
  void runBy(Step.Runner runner) throws BtrfsException;

  /** One operation that runs by itself. */
  record Alone(Step.Operation operation) implements Batch {
    @Override
    public List<Step.Operation> operations() {
      return List.of(operation);
    }

    @Override
    public String command(CommandLines lines) {
      return operation.command(lines);
    }

    @Override
    public void runBy(Step.Runner runner) throws BtrfsException {
      operation.runBy(runner);
    }
  }

  /** Deletes in one directory of one host, run as one {@code btrfs subvolume delete a b c}. */
  record Deletes(List<Step.Delete> deletes) implements Batch {
    public Deletes {
      deletes = List.copyOf(deletes);
    }

    @Override
    public List<Step.Operation> operations() {
      return List.copyOf(deletes);
    }

    @Override
    public String command(CommandLines lines) {
      return lines.delete(
          deletes.get(0).host(), deletes.stream().map(Step.Delete::subvolume).toList());
    }

    @Override
    public void runBy(Step.Runner runner) throws BtrfsException {
      runner.delete(deletes);
    }
  }
}
