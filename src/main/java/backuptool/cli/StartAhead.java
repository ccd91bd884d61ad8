package backuptool.cli;

import backuptool.config.ConfigLoader;

/**
 * Start-up work that a run needs later, begun on a thread of its own as the run starts so that it
 * is done on the other core while the run makes its environment: the argument parser's set-up (its
 * messages are a resource bundle, 15-20 ms to find cold, which the JVM then caches), the TOML
 * parser's (30-45 ms) and the time zone's rules (about 17 ms), in the order the run needs them. The
 * run waits for what is not ready yet when it gets there (class initialization is once per JVM) and
 * gets the same result either way.
 */
final class StartAhead implements Runnable {
  private final SystemClock clock;

  private StartAhead(SystemClock clock) {
    this.clock = clock;
  }

  /**
   * Starts the work, {@code clock}'s time zone included; a daemon thread, so that it never holds up
   * the end of a run.
   */
  static void begin(SystemClock clock) {
    Thread t = new Thread(new StartAhead(clock), "start-ahead");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void run() {
    CommandLine.parser();
    ConfigLoader.readyParser();
    clock.readZone();
  }
}
