package backuptool.btrfs;

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

  static Programs.Output capture(List<String> argv) throws BtrfsException {
    String display = BtrfsCommands.display(argv);
    Process p =
        Processes.start(List.of(Processes.builder(argv).redirectInput(NO_INPUT)), display).get(0);
    CompletableFuture<String> err = drain(p.getErrorStream());
    CompletableFuture<String> out = drain(p.getInputStream());
    int exit = waitFor(p, List.of(p), display);
    return new Programs.Output(display, exit, text(out), text(err));
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
    CompletableFuture<String> fromErr = drain(ps.get(0).getErrorStream());
    CompletableFuture<String> toErr = drain(ps.get(1).getErrorStream());
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
        text(fromErr),
        text(toErr),
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

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(e);
              }
            },
            "program-output");
    t.setDaemon(true);
    t.start();
    return text;
  }

  /** The drained text; the process has exited, so this only waits for the last bytes. */
  private static String text(CompletableFuture<String> task) throws BtrfsException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw new BtrfsException("cannot read the output: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BtrfsException("interrupted while reading the output", e);
    }
  }
}
