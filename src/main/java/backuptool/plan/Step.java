package backuptool.plan;

import backuptool.btrfs.BtrfsException;
import backuptool.hosts.CommandLines;
import backuptool.model.Host;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** One line of a plan: an operation to run, or a decision shown for its reason. */
public sealed interface Step {

  /**
   * What renders steps: one method per kind, so that a kind added without a way to render it does
   * not compile (Java 17 has no exhaustive pattern switch).
   */
  interface Visitor<R> {
    R operation(Operation operation);

    R decision(Decision decision);

    R heading(Heading heading);
  }

  /** Hands this step to the {@code visitor}'s method for its kind. */
  <R> R accept(Visitor<R> visitor);

  /** Something that changes btrfs. */
  sealed interface Operation extends Step {
    /** Why the plan does this, in words. */
    String reason();

    /** The verb shown in the plan: "create", "send", "delete". */
    String word();

    /** What the plan line names: the new snapshot's path or a snapshot's name. */
    String subject();

    /** A complete description for results: "send X to DIR". */
    String describe();

    /**
     * The command line that the ports run for this operation alone, as {@code lines} shows it (with
     * the ssh part for another machine).
     */
    String command(CommandLines lines);

    /** Runs this operation alone through {@code runner}, which has one method per operation. */
    void runBy(Runner runner) throws BtrfsException;

    @Override
    default <R> R accept(Visitor<R> visitor) {
      return visitor.operation(this);
    }
  }

  /**
   * What runs operations: one method per operation record, so that an operation added without a way
   * to run it does not compile (Java 17 has no exhaustive pattern switch).
   */
  interface Runner {
    void create(CreateSnapshot create) throws BtrfsException;

    void send(Send send) throws BtrfsException;

    /** Deletes all of {@code deletes} with one btrfs command. */
    void delete(List<Delete> deletes) throws BtrfsException;

    void removeIncomplete(RemoveIncomplete remove) throws BtrfsException;
  }

  /** A read-only snapshot of {@code volume} at {@code destination}, both on {@code host}. */
  record CreateSnapshot(Host host, Path volume, Path destination, String reason)
      implements Operation {
    @Override
    public String word() {
      return "create";
    }

    @Override
    public String subject() {
      return host.show(destination);
    }

    @Override
    public String describe() {
      return "create snapshot " + host.show(destination);
    }

    @Override
    public String command(CommandLines lines) {
      return lines.snapshot(host, volume, destination);
    }

    @Override
    public void runBy(Runner runner) throws BtrfsException {
      runner.create(this);
    }
  }

  /**
   * Send {@code snapshot} (from {@code parent} if present), both on host {@code from}, and receive
   * it into {@code targetDir} on host {@code to}.
   */
  record Send(
      Host from, Path snapshot, Optional<Path> parent, Host to, Path targetDir, String reason)
      implements Operation {
    /** A send from and to this machine. */
    public Send(Path snapshot, Optional<Path> parent, Path targetDir, String reason) {
      this(Host.LOCAL, snapshot, parent, Host.LOCAL, targetDir, reason);
    }

    @Override
    public String word() {
      return "send";
    }

    @Override
    public String subject() {
      return snapshot.getFileName().toString();
    }

    @Override
    public String describe() {
      return "send " + from.show(snapshot) + " to " + to.show(targetDir);
    }

    @Override
    public String command(CommandLines lines) {
      return lines.send(from, snapshot, parent, to, targetDir);
    }

    @Override
    public void runBy(Runner runner) throws BtrfsException {
      runner.send(this);
    }
  }

  /**
   * Delete subvolume {@code subvolume} on {@code host}; consecutive deletes in one directory run as
   * one batch.
   */
  record Delete(Host host, Path subvolume, String reason) implements Operation {
    @Override
    public String word() {
      return "delete";
    }

    @Override
    public String subject() {
      return subvolume.getFileName().toString();
    }

    @Override
    public String describe() {
      return "delete " + host.show(subvolume);
    }

    @Override
    public String command(CommandLines lines) {
      return lines.delete(host, List.of(subvolume));
    }

    @Override
    public void runBy(Runner runner) throws BtrfsException {
      runner.delete(List.of(this));
    }
  }

  /**
   * Remove {@code subvolume}: an incomplete receive that the journal shows an interrupted run of
   * this tool started. It never counted as a backup; its snapshot is sent again.
   */
  record RemoveIncomplete(Host host, Path subvolume, String reason) implements Operation {
    @Override
    public String word() {
      return "remove";
    }

    @Override
    public String subject() {
      return subvolume.getFileName().toString();
    }

    @Override
    public String describe() {
      return "remove incomplete backup " + host.show(subvolume);
    }

    @Override
    public String command(CommandLines lines) {
      return lines.delete(host, List.of(subvolume));
    }

    @Override
    public void runBy(Runner runner) throws BtrfsException {
      runner.removeIncomplete(this);
    }
  }

  /**
   * A decision that changes nothing, such as "keep" or "skip", shown with its reason; lines that
   * only matter for diagnosis are {@code verboseOnly}.
   */
  record Decision(String word, String subject, String reason, boolean verboseOnly) implements Step {
    static Decision shown(String word, String subject, String reason) {
      return new Decision(word, subject, reason, false);
    }

    static Decision verbose(String word, String subject, String reason) {
      return new Decision(word, subject, reason, true);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.decision(this);
    }
  }

  /** A heading that groups the lines after it, such as one side of a pair. */
  record Heading(String text) implements Step {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.heading(this);
    }
  }
}
