package backuptool.btrfs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code btrfs receive} from ending before the JVM has taken the send's last count (see
 * {@link SendMeter}): btrfs receive, having received a stream, reads on until its input ends, and
 * its input (a kernel pipe) ends only when every writer has closed it. Opening the receive's stdin
 * through /proc/PID/fd/0 gives the JVM a descriptor of the same pipe; while it is open, the pipe
 * does not end when the send exits. The JVM never reads or writes through it.
 *
 * <p>It is opened read-write: opening a pipe write-only blocks until it has a reader, forever if
 * the receive closed its end meanwhile. Read-write never blocks, but as a reader it would keep a
 * send whose receive died (full disk) from getting SIGPIPE; so it is closed as soon as the receive
 * exits, whatever happens, and the send then fails as it would have.
 */
final class ReceiveHold implements AutoCloseable {
  private static final ReceiveHold NONE = new ReceiveHold(null);

  private final RandomAccessFile pipe;
  private boolean closed;

  private ReceiveHold(RandomAccessFile pipe) {
    this.pipe = pipe;
  }

  /** Holds {@code receive}'s input open, or nothing if that cannot be done (it ended already). */
  static ReceiveHold open(Process receive) {
    Path input = Path.of("/proc", Long.toString(receive.pid()), "fd", "0");
    RandomAccessFile pipe;
    try {
      if (!Files.readSymbolicLink(input).toString().startsWith("pipe:")) {
        return NONE;
      }
      pipe = new RandomAccessFile(input.toFile(), "rw");
    } catch (IOException | UnsupportedOperationException e) {
      return NONE;
    }
    ReceiveHold hold = new ReceiveHold(pipe);
    // Not reaped yet, so the pid was still the receive's when its input was opened (a pid is only
    // reused once reaped). If it has ended, this closes the hold at once.
    var unused = receive.onExit().thenRun(hold::release);
    if (!receive.isAlive()) {
      hold.release();
    }
    return hold;
  }

  @Override
  public void close() {
    release();
  }

  /** Lets the receive see the end of its input. Safe to call more than once, from any thread. */
  synchronized void release() {
    if (pipe == null || closed) {
      return;
    }
    closed = true;
    try {
      pipe.close();
    } catch (IOException e) {
      // A descriptor that cannot be closed cleanly is closed all the same.
    }
  }
}
