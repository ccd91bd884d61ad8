package backuptool.exec;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.plan.Batches;
import backuptool.plan.PairPlan;
import backuptool.plan.Plan;
import backuptool.plan.Step;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs each pair's operations in order. When one fails, the rest of that pair is not run (it
 * depends on what failed); other pairs go on. Pairs whose plan had problems count as failed.
 */
public final class Executor {
  private final Btrfs btrfs;
  private final PrintStream out;

  public Executor(Btrfs btrfs, PrintStream out) {
    this.btrfs = btrfs;
    this.out = out;
  }

  public Outcome run(Plan plan) {
    int done = 0;
    int failed = 0;
    int notRun = 0;
    List<String> failures = new ArrayList<>();
    for (PairPlan pair : plan.pairs()) {
      String name = pair.pair().name();
      pair.problems().forEach(p -> failures.add("pair " + name + ": " + p));
      String failure = null;
      for (List<Step.Operation> batch : Batches.of(pair.operations())) {
        if (failure != null) {
          for (Step.Operation op : batch) {
            report("not run", op.describe() + ": an earlier operation of pair " + name + " failed");
            notRun++;
          }
          continue;
        }
        try {
          execute(batch);
          for (Step.Operation op : batch) {
            report("done", op.describe());
            done++;
          }
        } catch (BtrfsException e) {
          failure = e.getMessage();
          for (Step.Operation op : batch) {
            report("FAILED", op.describe() + ": " + failure);
            failed++;
          }
          failures.add(
              "pair "
                  + name
                  + ": "
                  + batch.get(0).describe()
                  + (batch.size() > 1
                      ? " (and " + (batch.size() - 1) + " more in the same command)"
                      : "")
                  + " failed: "
                  + failure);
        }
      }
    }
    return new Outcome(done, failed, notRun, failures);
  }

  /** The outcome of not running {@code plan} (a dry run): only its problems count. */
  public Outcome skipAll(Plan plan) {
    List<String> failures = new ArrayList<>();
    for (PairPlan pair : plan.pairs()) {
      pair.problems().forEach(p -> failures.add("pair " + pair.pair().name() + ": " + p));
    }
    return new Outcome(0, 0, plan.operationCount(), failures);
  }

  private void execute(List<Step.Operation> batch) throws BtrfsException {
    Step.Operation first = batch.get(0);
    if (first instanceof Step.CreateSnapshot c) {
      btrfs.snapshot(c.volume(), c.destination());
    } else if (first instanceof Step.Send s) {
      btrfs.send(s.snapshot(), s.parent(), s.targetDir());
    } else {
      List<Path> paths = batch.stream().map(op -> ((Step.Delete) op).subvolume()).toList();
      btrfs.delete(paths);
    }
  }

  private void report(String word, String text) {
    out.println("  " + word + " ".repeat(Math.max(1, 8 - word.length())) + text);
    out.flush();
  }
}
