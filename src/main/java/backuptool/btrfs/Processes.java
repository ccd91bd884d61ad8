package backuptool.btrfs;

import static java.util.stream.Collectors.joining;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

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

  /** Sends SIGTERM to every running child. */
  static void stopAll() {
    RUNNING.forEach(Process::destroy);
  }

  /** Runs {@code argv} and returns its standard output; a non-zero exit is an exception. */
  static String run(List<String> argv) throws BtrfsException {
    String display = BtrfsCommands.display(argv);
    Process p = start(List.of(builder(argv).redirectInput(NO_INPUT)), display).get(0);
    FutureTask<String> err = drain(p.getErrorStream());
    FutureTask<String> out = drain(p.getInputStream());
    int exit = waitFor(List.of(p), display).get(0);
    if (exit != 0) {
      throw new BtrfsException(display + " failed (exit " + exit + "): " + text(err).trim());
    }
    return text(out);
  }

  /**
   * Runs {@code from | to} joined by a kernel pipe, so the data never passes through the JVM. Both
   * exit codes count: a full target shows as receive exit 1 and send exit 141 (SIGPIPE).
   */
  static Transfer pipe(List<String> from, List<String> to, TransferWatch watch)
      throws BtrfsException {
    long start = System.nanoTime();
    String display = BtrfsCommands.display(from) + " | " + BtrfsCommands.display(to);
    List<Process> ps =
        start(
            List.of(
                builder(from).redirectInput(NO_INPUT),
                builder(to).redirectOutput(ProcessBuilder.Redirect.DISCARD)),
            display);
    FutureTask<String> fromErr = drain(ps.get(0).getErrorStream());
    FutureTask<String> toErr = drain(ps.get(1).getErrorStream());
    List<Integer> exits = waitFor(ps, display);
    if (exits.get(0) != 0 || exits.get(1) != 0) {
      String why = errors(text(fromErr) + text(toErr));
      if (why.isBlank()) {
        int worst = Math.max(exits.get(0), exits.get(1));
        why = worst > 128 ? "stopped by signal " + (worst - 128) : "btrfs printed no error message";
      }
      throw new BtrfsException(
          String.format(
              "%s failed (%s exit %d, %s exit %d): %s",
              display,
              String.join(" ", from.subList(0, 2)),
              exits.get(0),
              String.join(" ", to.subList(0, 2)),
              exits.get(1),
              why));
    }
    return new Transfer(0, Duration.ofNanos(System.nanoTime() - start)); // bytes: not yet counted
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
        RUNNING.add(p);
        var unused = p.onExit().thenRun(() -> RUNNING.remove(p));
      }
      return started;
    } catch (IOException e) {
      throw new BtrfsException("cannot run " + display + ": " + e.getMessage(), e);
    }
  }

  /** Waits for all; on interrupt kills them all, so nothing keeps running behind the caller. */
  private static List<Integer> waitFor(List<Process> ps, String display) throws BtrfsException {
    try {
      Integer[] exits = new Integer[ps.size()];
      for (int i = 0; i < ps.size(); i++) {
        exits[i] = ps.get(i).waitFor();
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

  private static FutureTask<String> drain(InputStream in) {
    FutureTask<String> task =
        new FutureTask<>(
            () -> {
              try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              }
            });
    Thread t = new Thread(task, "btrfs-output");
    t.setDaemon(true);
    t.start();
    return task;
  }

  /** The drained text; the process has exited, so this only waits for the last bytes. */
  private static String text(FutureTask<String> task) throws BtrfsException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      throw new BtrfsException("cannot read btrfs output: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BtrfsException("interrupted while reading btrfs output", e);
    }
  }
}
