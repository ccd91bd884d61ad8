package backuptool.cli;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;

/**
 * SIGINT, SIGTERM and SIGHUP (the terminal was closed) end a run in order instead of killing it:
 * the running send or snapshot is stopped (its partial receive removed), nothing more starts, the
 * run reports what was done and what was not, and exits 128 + the signal's number.
 */
public final class Interruption {
  private final AtomicReference<Signal> received = new AtomicReference<>();
  private final boolean fromSignals;
  private volatile Runnable abort;

  private Interruption(boolean fromSignals) {
    this.fromSignals = fromSignals;
  }

  /** One that no signal reaches (tests drive it with {@link #deliver}). */
  public static Interruption none() {
    return new Interruption(false);
  }

  /** One that SIGINT, SIGTERM and SIGHUP reach once the run starts changing things. */
  static Interruption onSignals() {
    return new Interruption(true);
  }

  /**
   * From now on a signal stops the running operations through {@code abort} (every host's port).
   * Until this is called, SIGINT, SIGTERM and SIGHUP end the process at once, as they should while
   * nothing is being changed.
   */
  void watch(Runnable abort) {
    this.abort = abort;
    if (fromSignals) {
      for (String name : new String[] {"INT", "TERM", "HUP"}) {
        Signal.handle(new Signal(name), this::deliver);
      }
    }
  }

  public void deliver(Signal signal) {
    Runnable a = abort;
    if (received.compareAndSet(null, signal) && a != null) {
      a.run();
    }
  }

  /** "SIGTERM", if a signal asked the run to stop. */
  Optional<String> signalName() {
    return Optional.ofNullable(received.get()).map(s -> "SIG" + s.getName());
  }

  /**
   * 128 + the signal's number, the shell's convention: 129 for SIGHUP, 130 for SIGINT, 143 for
   * SIGTERM.
   */
  Optional<Integer> exitCode() {
    return Optional.ofNullable(received.get()).map(s -> 128 + s.getNumber());
  }
}
