package backuptool.btrfs;

/** Waiting for this package's helper threads. */
final class Threads {
  private Threads() {}

  /**
   * Waits until {@code t} has ended, also through interrupts (its child process is stopped by the
   * tool's own signal handling, and what the thread wrote must be complete before it is read); the
   * interrupt is kept for the caller.
   */
  static void joinThroughInterrupts(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
