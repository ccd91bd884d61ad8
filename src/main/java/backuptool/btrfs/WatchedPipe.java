package backuptool.btrfs;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The processes behind {@link Programs}: a captured command, and a pipe whose bytes are counted by
 * the kernel's /proc/PID/io of its local btrfs process (never of ssh, whose counters include the
 * encryption's and the connection's own traffic) and which is stopped when that count stands still
 * for the stall timeout.
 *
 * <p>The last count cannot be read that way: once the JVM has reaped the process, its /proc entry
 * is gone. But the kernel adds a reaped child's counts to its parent's (/proc/self/io). For a send
 * (which writes, and ends first), the JVM's write count before the pipe starts and after both
 * processes were reaped differ by the two children's counts and what the JVM itself wrote
 * meanwhile, which is known: starting them (measured on the starting thread), the watcher's reports
 * (measured on its thread); less their error output (drained, so counted to the byte). For a
 * receive (which reads, and ends last), the JVM's read count is taken right before and right after
 * it is reaped, a short window; {@link ReceiveHold} keeps its input open until the first of the
 * two, so that it cannot be reaped before (it could, when both ended together). What remains beyond
 * the stream is small: ssh's messages to its master connection, and what the btrfs process read or
 * wrote besides the stream (the JDK's launch message, receive's look at the mount table), as {@link
 * SendMeter} explains for local sends.
 */
final class WatchedPipe {
  private WatchedPipe() {}

  private static final File NO_INPUT = new File("/dev/null");

  /** How often the counter is read: often enough for progress, cheap enough to be free. */
  private static final Duration POLL = Duration.ofMillis(250);

  /**
   * How long the end of a process's output is awaited once it has exited. An ssh client of a master
   * connection hands its standard streams to the master, which holds them until its session ends:
   * on a dead link, until its keep-alives give up. The output read by then is all there is.
   */
  private static final Duration OUTPUT_AFTER_EXIT = Duration.ofSeconds(2);

  static Programs.Output capture(List<String> argv) throws BtrfsException {
    String display = BtrfsCommands.display(argv);
    Process p =
        Processes.start(List.of(Processes.builder(argv).redirectInput(NO_INPUT)), display).get(0);
    Output err = drain(p.getErrorStream());
    Output out = drain(p.getInputStream());
    int exit = waitFor(p, List.of(p), display);
    return new Programs.Output(display, exit, out.text(), err.text());
  }

  static Programs.Piped run(
      List<String> from,
      List<String> to,
      Programs.Counted counted,
      Duration stallTimeout,
      TransferWatch watch)
      throws BtrfsException {
    long start = System.nanoTime();
    String display = BtrfsCommands.display(from) + " | " + BtrfsCommands.display(to);
    String field = counted == Programs.Counted.FIRST_WRITES ? "wchar:" : "rchar:";
    OptionalLong jvmBefore = counter(JVM, field);
    OptionalLong threadBefore = counter(THIS_THREAD, field);
    List<Process> ps =
        Processes.start(
            List.of(
                Processes.builder(from).redirectInput(NO_INPUT),
                Processes.builder(to).redirectOutput(ProcessBuilder.Redirect.DISCARD)),
            display);
    OptionalLong threadAfter = counter(THIS_THREAD, field);
    // A read count is taken when the receive is reaped (below): it must not end before the JVM has
    // read its own count after the send's end, as it could when both end together.
    ReceiveHold hold =
        counted == Programs.Counted.SECOND_READS ? ReceiveHold.open(ps.get(1)) : null;
    Output fromErr = drain(ps.get(0).getErrorStream());
    Output toErr = drain(ps.get(1).getErrorStream());
    Watch w =
        new Watch(
            ps,
            counted == Programs.Counted.FIRST_WRITES ? ps.get(0) : ps.get(1),
            field,
            stallTimeout,
            watch,
            start);
    Thread watcher = new Thread(w::run, "transfer-watch");
    watcher.setDaemon(true);
    watcher.start();
    int fromExit;
    int toExit;
    OptionalLong reaped = OptionalLong.empty();
    try {
      fromExit = waitFor(ps.get(0), ps, display);
      if (counted == Programs.Counted.SECOND_READS) {
        // The receive ends after its input: its whole count is what the JVM's grows by while the
        // JVM waits for it, less what the JVM read meanwhile (its error output; the watcher is
        // stopped first). Far shorter than the transfer, this window leaves out what the JVM
        // reads for itself (classes loaded as the run goes on), which a read count would include.
        w.stop();
        Threads.joinThroughInterrupts(watcher);
        long drainedBefore = fromErr.size() + toErr.size();
        Reading pre = read(JVM, field);
        boolean notYetReaped = ps.get(1).isAlive();
        hold.release(); // now the receive sees the end of its input
        toExit = waitFor(ps.get(1), ps, display);
        toErr.text();
        long drainedAfter = fromErr.size() + toErr.size();
        OptionalLong post = counter(JVM, field);
        if (notYetReaped && pre.value().isPresent() && post.isPresent()) {
          reaped =
              OptionalLong.of(
                  post.getAsLong()
                      - pre.value().getAsLong()
                      - pre.length()
                      - (drainedAfter - drainedBefore));
        }
      } else {
        toExit = waitFor(ps.get(1), ps, display);
      }
    } finally {
      if (hold != null) {
        hold.release();
      }
      w.stop();
      Threads.joinThroughInterrupts(watcher);
    }
    long end = System.nanoTime();
    String fromText = fromErr.text();
    String toText = toErr.text();
    long drained = fromErr.size() + toErr.size();
    OptionalLong jvmAfter = counter(JVM, field);
    long bytes = w.bytes;
    if (reaped.isPresent()) {
      bytes = Math.max(bytes, reaped.getAsLong()); // never below a count the process showed
    } else if (jvmBefore.isPresent()
        && threadBefore.isPresent()
        && threadAfter.isPresent()
        && jvmAfter.isPresent()
        && w.ownKnown) {
      // Writes are rare in a JVM: the whole run's window will do for a send that ends first. So it
      // does, less what this thread read meanwhile (its /proc readings), for a receive that could
      // not be held and was reaped before the send's end was seen: above the stream by what the
      // JVM's other threads read during the transfer, where the last poll may be 0.
      boolean writes = counted == Programs.Counted.FIRST_WRITES;
      long thread =
          (writes ? threadAfter : counter(THIS_THREAD, field)).orElse(threadAfter.getAsLong())
              - threadBefore.getAsLong();
      long whole =
          jvmAfter.getAsLong()
              - jvmBefore.getAsLong()
              - thread
              - w.own
              - drained
              - (writes ? 2 * LaunchWrites.perChild().orElse(0) : 0);
      bytes = Math.max(bytes, whole);
    }
    return new Programs.Piped(
        fromExit, toExit, fromText, toText, bytes, Duration.ofNanos(end - start), w.stalled);
  }

  private static final String JVM = "/proc/self/io";
  private static final String THIS_THREAD = "/proc/thread-self/io";

  /**
   * Reads the counted process's counter until stopped; ends both processes when it stands still for
   * the stall timeout. Its fields are read after it has been joined.
   */
  private static final class Watch {
    private final List<Process> all;
    private final Process counted;
    private final String field;
    private final Duration stallTimeout;
    private final TransferWatch watch;
    private final long start;
    private final CountDownLatch stop = new CountDownLatch(1);
    long bytes;
    boolean stalled;

    /** What this thread itself counted (reading /proc, reporting), and whether that is known. */
    long own;

    boolean ownKnown = true;

    Watch(
        List<Process> all,
        Process counted,
        String field,
        Duration stallTimeout,
        TransferWatch watch,
        long start) {
      this.all = all;
      this.counted = counted;
      this.field = field;
      this.stallTimeout = stallTimeout;
      this.watch = watch;
      this.start = start;
    }

    void run() {
      long lastMove = System.nanoTime();
      long interval = Math.min(POLL.toMillis(), Math.max(10, stallTimeout.toMillis() / 4));
      boolean reads = field.equals("rchar:");
      while (!stopped(interval)) {
        OptionalLong before = counter(THIS_THREAD, field);
        OptionalLong count = counter("/proc/" + counted.pid() + "/io", field);
        long now = System.nanoTime();
        boolean moved = count.isPresent() && count.getAsLong() > bytes;
        if (moved) {
          bytes = count.getAsLong();
          lastMove = now;
          try {
            watch.progress(bytes, Duration.ofNanos(now - start), OptionalLong.empty());
          } catch (RuntimeException e) {
            ownKnown = false; // whatever it did is unknown; a failing display fails no transfer
          }
        }
        Reading after = read(THIS_THREAD, field);
        if (before.isPresent() && after.value().isPresent()) {
          // A read shows the count before its own bytes: those of the last one are added here.
          own += after.value().getAsLong() - before.getAsLong() + (reads ? after.length() : 0);
        } else {
          ownKnown = false;
        }
        if (!moved && counted.isAlive() && now - lastMove > stallTimeout.toNanos()) {
          stalled = true;
          all.forEach(Process::destroy);
          return;
        }
      }
    }

    void stop() {
      stop.countDown();
    }

    private boolean stopped(long millis) {
      try {
        return stop.await(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return true;
      }
    }
  }

  /** A counter's value, and how many bytes reading it took. */
  private record Reading(OptionalLong value, int length) {}

  /** The counter named {@code field} ("rchar:", "wchar:") in {@code ioFile} (/proc/.../io). */
  static OptionalLong counter(String ioFile, String field) {
    return read(ioFile, field).value();
  }

  private static Reading read(String ioFile, String field) {
    // A FileInputStream, not a channel: a channel closes on an interrupted thread instead of
    // reading.
    try (InputStream in = new FileInputStream(ioFile)) {
      byte[] text = in.readAllBytes();
      for (String line : new String(text, StandardCharsets.US_ASCII).split("\n", -1)) {
        if (line.startsWith(field)) {
          return new Reading(
              OptionalLong.of(Long.parseLong(line.substring(field.length()).trim())), text.length);
        }
      }
      return new Reading(OptionalLong.empty(), text.length);
    } catch (IOException | RuntimeException e) {
      return new Reading(OptionalLong.empty(), 0);
    }
  }

  /** Waits for {@code p}; on interrupt kills all of {@code ps}, so nothing keeps running. */
  private static int waitFor(Process p, List<Process> ps, String display) throws BtrfsException {
    try {
      return p.waitFor();
    } catch (InterruptedException e) {
      ps.forEach(Process::destroyForcibly);
      ps.forEach(q -> q.onExit().join());
      Thread.currentThread().interrupt();
      throw new BtrfsException("interrupted: " + display, e);
    }
  }

  private static Output drain(InputStream in) {
    Output output = new Output();
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (in) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                  output.add(buffer, n);
                }
              } catch (IOException e) {
                // What was read is what there is.
              } finally {
                output.end.complete(null);
              }
            },
            "program-output");
    t.setDaemon(true);
    t.start();
    return output;
  }

  /** A process's output as it is read, on a thread of its own. */
  private static final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<Void> end = new CompletableFuture<>();

    synchronized void add(byte[] buffer, int n) {
      bytes.write(buffer, 0, n);
    }

    /** How many bytes were read so far. */
    synchronized long size() {
      return bytes.size();
    }

    /**
     * The text read to the end of the stream, or what was read within {@link #OUTPUT_AFTER_EXIT}
     * (the process has exited; only someone it handed the stream to can keep it open).
     */
    String text() throws BtrfsException {
      try {
        end.get(OUTPUT_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // what was read so far
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BtrfsException("interrupted while reading the output", e);
      }
      synchronized (this) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
