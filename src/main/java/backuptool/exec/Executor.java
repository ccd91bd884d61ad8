package backuptool.exec;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.PathInfo;
import backuptool.btrfs.Transfer;
import backuptool.hosts.Hosts;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Host;
import backuptool.model.Subvolume;
import backuptool.plan.Batch;
import backuptool.plan.PairPlan;
import backuptool.plan.Plan;
import backuptool.plan.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs each pair's operations in order, each through the port of the host it acts on. When one
 * fails, the rest of that pair is not run (it depends on what failed); other pairs go on. When the
 * run is asked to stop (a signal), nothing more is started. Pairs whose plan had problems count as
 * failed.
 */
public final class Executor {
  private final Hosts hosts;
  private final Listener listener;
  private final Supplier<Optional<String>> stopRequested;
  private final Step.Runner port = new PortRunner();

  /** What the last send moved, for its result; null until a send completes. */
  private Transfer lastTransfer;

  /** Told of each operation's end as it happens, and of a send's progress while it runs. */
  public interface Listener {
    /** Ignores everything: the outcome has it all. */
    Listener NONE = result -> {};

    /** Send {@code send} has sent {@code bytes} so far; called from another thread. */
    default void progress(Step.Send send, long bytes, Duration elapsed, OptionalLong total) {}

    void finished(OperationResult result);
  }

  /** {@code stopRequested} names why the run must stop (e.g. "SIGTERM"), or is empty. */
  public Executor(Hosts hosts, Listener listener, Supplier<Optional<String>> stopRequested) {
    this.hosts = hosts;
    this.listener = listener;
    this.stopRequested = stopRequested;
  }

  /** An executor of plans on this machine alone. */
  public Executor(
      Btrfs btrfs,
      ReceiveJournal journal,
      Listener listener,
      Supplier<Optional<String>> stopRequested) {
    this(Hosts.local(btrfs, journal), listener, stopRequested);
  }

  public Outcome run(Plan plan) {
    List<OperationResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Set<String> failedPairs = new HashSet<>();
    for (PairPlan pair : plan.pairs()) {
      String name = pair.pair().name();
      pair.problems().forEach(p -> failures.add("pair " + name + ": " + p));
      if (!pair.problems().isEmpty()) {
        failedPairs.add(name);
      }
      String failure = null;
      for (Batch batch : Batch.of(pair.operations())) {
        Optional<String> stop = stopRequested.get();
        if (failure != null || stop.isPresent()) {
          String why =
              stop.map(s -> "the run was interrupted by " + s)
                  .orElse("an earlier operation of pair " + name + " failed");
          for (Step.Operation op : batch.operations()) {
            results.add(report(name, op, OperationResult.Status.NOT_RUN, why));
          }
          continue;
        }
        try {
          lastTransfer = null;
          batch.runBy(port);
          for (Step.Operation op : batch.operations()) {
            results.add(report(name, op, OperationResult.Status.DONE, ""));
          }
        } catch (BtrfsException e) {
          failure = e.getMessage();
          failedPairs.add(name);
          for (Step.Operation op : batch.operations()) {
            results.add(report(name, op, OperationResult.Status.FAILED, failure));
          }
          failures.add(
              "pair "
                  + name
                  + ": "
                  + batch.operations().get(0).describe()
                  + (batch.operations().size() > 1
                      ? " (and " + (batch.operations().size() - 1) + " more in the same command)"
                      : "")
                  + " failed: "
                  + failure);
        }
      }
    }
    return new Outcome(results, failures, failedPairs);
  }

  /** The outcome of not running {@code plan} (a dry run): only its problems count. */
  public static Outcome skipAll(Plan plan) {
    List<OperationResult> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Set<String> failedPairs = new HashSet<>();
    for (PairPlan pair : plan.pairs()) {
      String name = pair.pair().name();
      pair.problems().forEach(p -> failures.add("pair " + name + ": " + p));
      if (!pair.problems().isEmpty()) {
        failedPairs.add(name);
      }
      for (Step.Operation op : pair.operations()) {
        results.add(
            new OperationResult(
                name, op, OperationResult.Status.NOT_RUN, "dry run", Optional.empty()));
      }
    }
    return new Outcome(results, failures, failedPairs);
  }

  private OperationResult report(
      String pair, Step.Operation op, OperationResult.Status status, String detail) {
    Optional<Transfer> transfer =
        status == OperationResult.Status.DONE && op instanceof Step.Send
            ? Optional.ofNullable(lastTransfer)
            : Optional.empty();
    OperationResult result = new OperationResult(pair, op, status, detail, transfer);
    listener.finished(result);
    return result;
  }

  /** Runs each operation through the port; sends and removals also keep the receive journal. */
  private final class PortRunner implements Step.Runner {
    @Override
    public void create(Step.CreateSnapshot c) throws BtrfsException {
      hosts.btrfs(c.host()).snapshot(c.volume(), c.destination());
    }

    @Override
    public void delete(List<Step.Delete> deletes) throws BtrfsException {
      // A batch is of one host (Batch.of).
      hosts
          .btrfs(deletes.get(0).host())
          .delete(deletes.stream().map(Step.Delete::subvolume).toList());
    }

    @Override
    public void removeIncomplete(Step.RemoveIncomplete r) throws BtrfsException {
      hosts.btrfs(r.host()).delete(List.of(r.subvolume()));
      forget(r.host(), r.subvolume());
    }

    /**
     * A send is recorded in the journal before it starts and forgotten once it is complete, or once
     * its partial receive is gone; if the tool dies in between, the record lets the next run show
     * that the incomplete subvolume is its own, and remove it.
     */
    @Override
    public void send(Step.Send s) throws BtrfsException {
      Path received = s.targetDir().resolve(s.snapshot().getFileName());
      Host to = s.to();
      try {
        hosts.journal(to).started(s.targetDir(), received.getFileName().toString());
      } catch (IOException e) {
        throw new BtrfsException(
            "not started: cannot record the receive in "
                + to.show(s.targetDir())
                + ": "
                + e.getMessage(),
            e);
      }
      try {
        lastTransfer =
            hosts
                .transfer(s.from(), to)
                .send(
                    s.snapshot(),
                    s.parent(),
                    s.targetDir(),
                    (bytes, elapsed, total) -> listener.progress(s, bytes, elapsed, total));
      } catch (BtrfsException e) {
        if (gone(to, received)) {
          try {
            forget(to, received);
          } catch (BtrfsException journalFailure) {
            e.addSuppressed(journalFailure);
          }
        }
        throw e; // a partial that is still there stays recorded, for the next run to remove
      }
      forget(to, received);
      forgetFinished(to, s.targetDir());
    }
  }

  /**
   * Forgets the records of receives that did finish, or whose subvolume is gone: a kill between the
   * end of a receive and the journal's update leaves the name of a complete backup behind. Such a
   * record never costs data (removal also needs btrfs to show that no receive completed), but
   * nothing else would ever clear it.
   */
  private void forgetFinished(Host host, Path targetDir) throws BtrfsException {
    Btrfs btrfs = hosts.btrfs(host);
    Set<String> names;
    try {
      names = hosts.journal(host).unfinished(targetDir);
    } catch (IOException e) {
      throw new BtrfsException(
          "cannot read the receive journal in " + host.show(targetDir) + ": " + e.getMessage(), e);
    }
    for (String name : names) {
      Path path = targetDir.resolve(name);
      PathInfo.Kind kind = btrfs.inspect(path).kind();
      if (kind == PathInfo.Kind.MISSING) {
        forget(host, path);
      } else if (kind == PathInfo.Kind.SUBVOLUME && btrfs.receiveCompleted(path)) {
        // A receive killed after btrfs set its received uuid but before the subvolume was made
        // read-only stays recorded: the next run removes it and sends its snapshot again.
        Subvolume sub = btrfs.show(path);
        if (sub.readOnly() || sub.receivedUuid().isEmpty()) {
          forget(host, path);
        }
      }
    }
  }

  private boolean gone(Host host, Path path) {
    try {
      return hosts.btrfs(host).inspect(path).kind() == PathInfo.Kind.MISSING;
    } catch (BtrfsException e) {
      return false;
    }
  }

  private void forget(Host host, Path received) throws BtrfsException {
    try {
      hosts.journal(host).finished(received.getParent(), received.getFileName().toString());
    } catch (IOException e) {
      throw new BtrfsException(
          "cannot update the receive journal in "
              + host.show(received.getParent())
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
