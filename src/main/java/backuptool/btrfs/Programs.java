package backuptool.btrfs;

import java.time.Duration;
import java.util.List;

/**
 * Local processes for ports outside this package (the port of another machine runs ssh): started as
 * {@link RealBtrfs}'s are (argument lists, no shell, LC_ALL=C, dying with the tool, stopped by
 * {@link #stopAll}), their exit codes and outputs handed back for the caller to judge.
 */
public final class Programs {
  private Programs() {}

  /** What a process printed, and its exit code; {@code display} is its command line for people. */
  public record Output(String display, int exit, String out, String err) {}

  /** Runs {@code argv} to its end with nothing on stdin; fails only if it cannot run at all. */
  public static Output capture(List<String> argv) throws BtrfsException {
    return WatchedPipe.capture(argv);
  }

  /** Which local btrfs process of a pipe is counted, and by which of its kernel counters. */
  public enum Counted {
    /** The bytes the first process (a local {@code btrfs send}) wrote: {@code wchar}. */
    FIRST_WRITES,
    /** The bytes the second process (a local {@code btrfs receive}) read: {@code rchar}. */
    SECOND_READS
  }

  /**
   * How a pipe ended: both exit codes and error outputs, the bytes counted, how long it ran, and
   * whether it was stopped because no byte moved for the stall timeout.
   */
  public record Piped(
      int fromExit,
      int toExit,
      String fromErr,
      String toErr,
      long bytes,
      Duration elapsed,
      boolean stalled) {
    public boolean ok() {
      return fromExit == 0 && toExit == 0 && !stalled;
    }
  }

  /**
   * Runs {@code from | to} joined by a kernel pipe (the data never passes through the JVM). While
   * it runs, the {@code counted} process's kernel counter is read a few times a second and reported
   * to {@code watch}; when it has not moved for {@code stallTimeout}, both processes are stopped.
   * Never a limit on how long the whole may take.
   */
  public static Piped pipe(
      List<String> from,
      List<String> to,
      Counted counted,
      Duration stallTimeout,
      TransferWatch watch)
      throws BtrfsException {
    return WatchedPipe.run(from, to, counted, stallTimeout, watch);
  }

  /** Stops every process this tool started that is still running (a signal to the tool). */
  public static void stopAll() {
    Processes.stopAll();
  }
}
