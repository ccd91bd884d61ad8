package backuptool.btrfs;

import static java.util.stream.Collectors.joining;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs btrfs-progs: argument lists, never a shell; LC_ALL=C so that messages and output formats are
 * the ones we parse; every output stream drained on its own thread so no child blocks on a full
 * pipe.
 */
final class Processes {
  private Processes() {}

  private static final File NO_INPUT = new File("/dev/null");

  /**
   * setpriv makes each child ask the kernel for SIGTERM when the thread that started it dies, so
   * that no send or receive goes on behind the back of a killed tool (even by SIGKILL).
   */
  private static final List<String> DIE_WITH_PARENT =
      new File("/usr/bin/setpriv").canExecute()
          ? List.of("/usr/bin/setpriv", "--pdeathsig", "TERM", "--")
          : List.of();

  /** The children running now, so that a signal to the tool can stop them at once. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  /** How many children were started so far, by any thread. */
  private static final AtomicLong STARTED = new AtomicLong();

  /** How many children were started so far, by any thread. */
  static long started() {
    return STARTED.get();
  }

  /**
   * Whether no child runs now but {@code own} (null: none at all); one that just ended may still
   * count as running for a moment.
   */
  static boolean noneRunningBut(Process own) {
    for (Process p : RUNNING) {
      if (p != own) {
        return false;
      }
    }
    return true;
  }

  /** Sends SIGTERM to every running child. */
  static void stopAll() {
    RUNNING.forEach(Process::destroy);
  }

  /** Runs {@code argv} and returns its standard output; a non-zero exit is an exception. */
  static String run(List<String> argv) throws BtrfsException {
    Output output = capture(argv);
    if (output.exit() != 0) {
      throw new BtrfsException(
          output.display() + " failed (exit " + output.exit() + "): " + output.err().trim());
    }
    return output.out();
  }

  /** What a child printed, and its exit code. */
  record Output(String display, int exit, String out, String err) {}

  /** Runs {@code argv} and returns its exit code and outputs, whatever the exit code. */
  static Output capture(List<String> argv) throws BtrfsException {
    String display = BtrfsCommands.display(argv);
    LaunchWrites.Window window = LaunchWrites.Window.open();
    Process p = start(List.of(builder(argv).redirectInput(NO_INPUT)), display).get(0);
    window.started();
    Drain err = Drain.start(p.getErrorStream());
    Drain out = Drain.start(p.getInputStream());
    int exit = waitFor(List.of(p), display, () -> {}).get(0);
    Output output = new Output(display, exit, out.text(), err.text());
    var unused = window.reaped(p, out.total() + err.total());
    return output;
  }

  /**
   * Runs {@code from | to} joined by a kernel pipe, so the data never passes through the JVM. Both
   * exit codes count: a full target shows as receive exit 1 and send exit 141 (SIGPIPE). While it
   * runs, {@code watch} is told the bytes {@code from} has written so far (see {@link SendMeter}),
   * with {@code expectedTotal}; the result has the stream's size and the whole time.
   */
  static Transfer pipe(
      List<String> from, List<String> to, OptionalLong expectedTotal, TransferWatch watch)
      throws BtrfsException {
    long start = System.nanoTime();
    String display = BtrfsCommands.display(from) + " | " + BtrfsCommands.display(to);
    SendMeter meter = SendMeter.beforeStart(start);
    List<Process> ps =
        start(
            List.of(
                builder(from).redirectInput(NO_INPUT),
                builder(to).redirectOutput(ProcessBuilder.Redirect.DISCARD)),
            display);
    Process send = ps.get(0);
    Process receive = ps.get(1);
    List<Integer> exits;
    long end;
    Drain fromErr;
    try (ReceiveHold hold = ReceiveHold.open(receive)) {
      fromErr = Drain.start(send.getErrorStream());
      meter.started(send, fromErr, expectedTotal, watch);
      Drain toErr = Drain.start(receive.getErrorStream());
      exits =
          waitFor(
              ps,
              display,
              () -> {
                meter.sendReaped(receive);
                hold.release();
              });
      end = System.nanoTime();
      if (exits.get(0) != 0 || exits.get(1) != 0) {
        throw failure(from, to, display, exits, fromErr.text() + toErr.text());
      }
    } finally {
      meter.stop(); // on every path: the watch is never called after this returns
    }
    return new Transfer(meter.streamBytes(fromErr.total()), Duration.ofNanos(end - start));
  }

  private static BtrfsException failure(
      List<String> from, List<String> to, String display, List<Integer> exits, String stderr) {
    String why = errors(stderr);
    if (why.isBlank()) {
      int worst = Math.max(exits.get(0), exits.get(1));
      why = worst > 128 ? "stopped by signal " + (worst - 128) : "btrfs printed no error message";
    }
    return new BtrfsException(
        String.format(
            "%s failed (%s exit %d, %s exit %d): %s",
            display,
            String.join(" ", from.subList(0, 2)),
            exits.get(0),
            String.join(" ", to.subList(0, 2)),
            exits.get(1),
            why));
  }

  /** {@code stderr} without the "At subvol NAME" progress lines that btrfs prints on success. */
  private static String errors(String stderr) {
    return stderr
        .lines()
        .filter(l -> !l.startsWith("At subvol ") && !l.startsWith("At snapshot "))
        .collect(joining("\n"));
  }

  static ProcessBuilder builder(List<String> argv) {
    List<String> command = new ArrayList<>(DIE_WITH_PARENT);
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("LC_ALL", "C");
    return pb;
  }

  static List<Process> start(List<ProcessBuilder> builders, String display) throws BtrfsException {
    try {
      List<Process> started = ProcessBuilder.startPipeline(builders);
      for (Process p : started) {
        STARTED.incrementAndGet();
        RUNNING.add(p);
        var unused = p.onExit().thenRun(() -> RUNNING.remove(p));
      }
      return started;
    } catch (IOException e) {
      throw new BtrfsException("cannot run " + display + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for all, in order, and runs {@code afterFirst} once the first has ended; on interrupt
   * kills them all, so nothing keeps running behind the caller.
   */
  private static List<Integer> waitFor(List<Process> ps, String display, Runnable afterFirst)
      throws BtrfsException {
    try {
      Integer[] exits = new Integer[ps.size()];
      for (int i = 0; i < ps.size(); i++) {
        exits[i] = ps.get(i).waitFor();
        if (i == 0) {
          afterFirst.run();
        }
      }
      return List.of(exits);
    } catch (InterruptedException e) {
      ps.forEach(Process::destroyForcibly);
      for (Process p : ps) {
        p.onExit().join();
      }
      Thread.currentThread().interrupt();
      throw new BtrfsException("interrupted: " + display, e);
    }
  }
}
