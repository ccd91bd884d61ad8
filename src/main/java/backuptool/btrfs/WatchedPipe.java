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
    List<Process> ps =
        Processes.start(
            List.of(
                Processes.builder(from).redirectInput(NO_INPUT),
                Processes.builder(to).redirectOutput(ProcessBuilder.Redirect.DISCARD)),
            display);
    Output fromErr = drain(ps.get(0).getErrorStream());
    Output toErr = drain(ps.get(1).getErrorStream());
    Watch w =
        new Watch(
            ps,
            counted == Programs.Counted.FIRST_WRITES ? ps.get(0) : ps.get(1),
            counted == Programs.Counted.FIRST_WRITES ? "wchar:" : "rchar:",
            stallTimeout,
            watch,
            start);
    Thread watcher = new Thread(w::run, "transfer-watch");
    watcher.setDaemon(true);
    watcher.start();
    int fromExit;
    int toExit;
    try {
      fromExit = waitFor(ps.get(0), ps, display);
      toExit = waitFor(ps.get(1), ps, display);
    } finally {
      w.stop();
      joinQuietly(watcher);
    }
    return new Programs.Piped(
        fromExit,
        toExit,
        fromErr.text(),
        toErr.text(),
        w.bytes,
        Duration.ofNanos(System.nanoTime() - start),
        w.stalled);
  }

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
      while (!stopped(interval)) {
        OptionalLong count = counter(counted.pid(), field);
        long now = System.nanoTime();
        if (count.isPresent() && count.getAsLong() > bytes) {
          bytes = count.getAsLong();
          lastMove = now;
          try {
            watch.progress(bytes, Duration.ofNanos(now - start), OptionalLong.empty());
          } catch (RuntimeException e) {
            // A failing display fails no transfer.
          }
        } else if (counted.isAlive() && now - lastMove > stallTimeout.toNanos()) {
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

  /** The counter named {@code field} ("rchar:", "wchar:") of process {@code pid}, while it runs. */
  static OptionalLong counter(long pid, String field) {
    // A FileInputStream, not a channel: a channel closes on an interrupted thread instead of
    // reading.
    try (InputStream in = new FileInputStream("/proc/" + pid + "/io")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n", -1)) {
        if (line.startsWith(field)) {
          return OptionalLong.of(Long.parseLong(line.substring(field.length()).trim()));
        }
      }
      return OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
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

  private static void joinQuietly(Thread t) {
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
