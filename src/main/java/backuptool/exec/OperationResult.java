package backuptool.exec;

import backuptool.btrfs.Transfer;
import backuptool.plan.Step;
import java.util.Optional;

/**
 * What became of one operation of pair {@code pair}: done (a send with its {@code transfer}),
 * failed with btrfs's words in {@code detail}, or not run and why.
 */
public record OperationResult(
    String pair,
    Step.Operation operation,
    Status status,
    String detail,
    Optional<Transfer> transfer) {

  /** The three ends an operation can come to. */
  public enum Status {
    DONE("done"),
    FAILED("FAILED"),
    NOT_RUN("not run");

    private final String word;

    Status(String word) {
      this.word = word;
    }

    /** How the result line names it: failures in capitals, to stand out in a cron mail. */
    public String word() {
      return word;
    }
  }

  /** The result line's text after its word: what was done, and the figures or why not. */
  public String describe() {
    String what = operation.describe();
    return switch (status) {
      case DONE -> transfer.map(t -> what + ": " + t.summary()).orElse(what);
      case FAILED, NOT_RUN -> what + ": " + detail;
    };
  }
}
