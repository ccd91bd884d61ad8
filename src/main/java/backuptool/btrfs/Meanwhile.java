package backuptool.btrfs;

/**
 * A call run on a thread of its own while the caller does something else, such as the second of two
 * listings that do not depend on each other: on two cores the pair takes about as long as the
 * longer one. {@link #get} waits for it and gives its result or its failure.
 */
final class Meanwhile<T> {
  /** A call that may fail as btrfs does. */
  interface Call<T> {
    T call() throws BtrfsException;
  }

  private final Thread thread;
  private T value;
  private BtrfsException failure;
  private RuntimeException crash;

  private Meanwhile(Call<T> call, String name) {
    thread =
        new Thread(
            () -> {
              try {
                value = call.call();
              } catch (BtrfsException e) {
                failure = e;
              } catch (RuntimeException e) {
                crash = e;
              }
            },
            name);
    thread.setDaemon(true);
  }

  /** Starts {@code call} on a new thread named {@code name}. */
  static <T> Meanwhile<T> start(Call<T> call, String name) {
    Meanwhile<T> m = new Meanwhile<>(call, name);
    m.thread.start();
    return m;
  }

  /** Waits for the call to end, whatever its result. */
  void await() {
    Threads.joinThroughInterrupts(thread);
  }

  /** The call's result, once it has ended (join: what it wrote is visible here). */
  T get() throws BtrfsException {
    Threads.joinThroughInterrupts(thread);
    if (crash != null) {
      throw crash;
    }
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
