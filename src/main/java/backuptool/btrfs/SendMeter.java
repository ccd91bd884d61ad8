package backuptool.btrfs;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Counts the bytes of a running {@code btrfs send | btrfs receive} without touching the stream,
 * which flows from one to the other through a kernel pipe. The kernel counts what {@code btrfs
 * send} writes ({@code wchar} in its /proc/PID/io): the stream, the "At subvol NAME" line on its
 * stderr (which the JVM drains, and so knows to the byte), and what the JDK's launcher wrote before
 * the exec ({@link LaunchWrites}). setpriv execs btrfs, so the pid the JVM started is btrfs's.
 *
 * <p>While the send runs, one daemon thread reads that count every {@link #INTERVAL} and tells the
 * {@link TransferWatch}.
 *
 * <p>The last count cannot be read that way: a small incremental send ends between two reads (or
 * before the pipeline has even started its receive), and once the JVM has reaped it, /proc/PID is
 * gone. But a process that reaps a child gets the child's counts added to its own (/proc/self/io).
 * So the JVM's count is read just before the pipeline starts and again right after the send has
 * been reaped; what it grew by is exactly the send's whole count, plus what the JVM wrote itself in
 * between, which is measured (starting the two processes, on the starting thread; the watch's
 * progress line, on the metering thread), provided that nothing else was reaped meanwhile: the
 * receive must still be there after the second read. {@link ReceiveHold} makes sure of that: it
 * keeps the receive's input pipe open, so that a receive that succeeds cannot end before it is let
 * go, which is done after the second read (one that fails may; its send fails too). No other thread
 * of the tool writes and no other child runs while a send runs (the executor's thread waits for
 * it).
 *
 * <p>When that could not be established (the receive could not be held and was gone too, or a /proc
 * file could not be read, or the result is below a count already seen), the result falls back to
 * the last count read while the send ran, which may be low, and is zero for a send that ended
 * before the first read.
 */
final class SendMeter {
  /** How often the running send's count is read and reported: at most 4 times a second. */
  static final Duration INTERVAL = Duration.ofMillis(250);

  private final long startNanos;
  private final OptionalLong jvmBefore;
  private final OptionalLong threadBefore;
  private final OptionalLong launch = LaunchWrites.perChild();
  private final CountDownLatch stop = new CountDownLatch(1);

  private OptionalLong startWrites = OptionalLong.empty();
  private OptionalLong jvmAfter = OptionalLong.empty();
  private Process send;
  private Thread poller;

  // Written by the poller only, read after it has ended (join).
  private long ownWrites;
  private boolean ownWritesKnown = true;
  private long lastCount;

  private SendMeter(long startNanos) {
    this.startNanos = startNanos;
    this.jvmBefore = ProcIo.jvm();
    this.threadBefore = ProcIo.thisThread();
  }

  /**
   * Call on the thread that starts the pipeline, right before it does; {@code startNanos} is when
   * the transfer began, for elapsed times.
   */
  static SendMeter beforeStart(long startNanos) {
    return new SendMeter(startNanos);
  }

  /**
   * Call on the same thread right after the pipeline started: begins reporting to {@code watch}.
   * {@code sendErrors} drains the send's stderr.
   */
  void started(Process send, Drain sendErrors, OptionalLong expectedTotal, TransferWatch watch) {
    OptionalLong threadAfter = ProcIo.thisThread();
    if (threadAfter.isPresent() && threadBefore.isPresent()) {
      startWrites = OptionalLong.of(threadAfter.getAsLong() - threadBefore.getAsLong());
    }
    this.send = send;
    poller = new Thread(() -> poll(sendErrors, expectedTotal, watch), "btrfs-send-meter");
    poller.setDaemon(true);
    poller.start();
  }

  private void poll(Drain sendErrors, OptionalLong expectedTotal, TransferWatch watch) {
    long reported = 0;
    while (!stopped(INTERVAL)) {
      if (!send.isAlive()) {
        return; // reaped: its pid is no longer its own
      }
      OptionalLong count = ProcIo.process(send.pid());
      if (count.isEmpty()) {
        return;
      }
      lastCount = Math.max(lastCount, count.getAsLong());
      // Never back, though the stderr count can lag behind what the send wrote there.
      reported = Math.max(reported, lastCount - sendErrors.bytesSoFar() - launch.orElse(0));
      OptionalLong before = ProcIo.thisThread();
      try {
        watch.progress(reported, elapsed(), expectedTotal);
      } catch (RuntimeException e) {
        ownWritesKnown = false; // whatever it wrote is unknown; a failing display fails no send
        return;
      }
      OptionalLong after = ProcIo.thisThread();
      if (before.isPresent() && after.isPresent()) {
        ownWrites += after.getAsLong() - before.getAsLong();
      } else {
        ownWritesKnown = false;
      }
    }
  }

  /** True once stopped; otherwise waits up to {@code timeout} for it. */
  private boolean stopped(Duration timeout) {
    try {
      return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      return true; // nobody interrupts this thread but to end it
    }
  }

  /**
   * Call right after the send was reaped (its {@code waitFor} returned), before the receive is let
   * go: stops the reporting and takes the JVM's count, if the receive is still there after it.
   */
  void sendReaped(Process receive) {
    stop();
    OptionalLong jvm = ProcIo.jvm();
    if (ProcIo.process(receive.pid()).isPresent()) { // read after: it was not reaped before
      jvmAfter = jvm;
    }
  }

  /** Ends the reporting; the watch is not called after this returns. Safe to call twice. */
  void stop() {
    stop.countDown();
    if (poller == null) {
      return;
    }
    Threads.joinThroughInterrupts(poller); // at most one watch call away
  }

  /**
   * The stream's size, after {@link #sendReaped} and once the send's stderr was drained to its end
   * ({@code sendErrorBytes}).
   */
  long streamBytes(long sendErrorBytes) {
    stop();
    long fallback = Math.max(0, lastCount - sendErrorBytes - launch.orElse(0));
    if (!ownWritesKnown
        || jvmBefore.isEmpty()
        || startWrites.isEmpty()
        || jvmAfter.isEmpty()
        || launch.isEmpty()) {
      return fallback;
    }
    long sendCount =
        jvmAfter.getAsLong() - jvmBefore.getAsLong() - startWrites.getAsLong() - ownWrites;
    long stream = sendCount - sendErrorBytes - launch.getAsLong();
    return sendCount >= lastCount && stream >= 0 ? stream : fallback;
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
