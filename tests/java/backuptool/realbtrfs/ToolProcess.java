package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.fail;

import backuptool.TestConfigs;
import backuptool.btrfs.BtrfsCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs backup-tool as a separate process, {@code java -cp <this JVM's class path>
 * backuptool.cli.Main ARGS --config FILE}, so that a test can kill it, signal it, or run two at
 * once, exactly as cron or a user would. Each instance has a directory of its own for configuration
 * files, captured output and the pair locks ({@code lock_dir} in [global]), so that tests never
 * meet each other's locks, nor those of a real installation. {@link #close} kills whatever it
 * started that is still running.
 */
final class ToolProcess implements AutoCloseable {
  /** Far above any run of these tests; a run that takes longer is stuck, and fails the test. */
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /**
   * Bits of SIGHUP and SIGINT in /proc/PID/status SigIgn. A child inherits ignored signals through
   * exec: if this JVM was started with one ignored (SIGINT: a background job of a non-interactive
   * shell; SIGHUP: under nohup), the tool would be too, and the JVM then keeps it ignored, as it
   * should; {@code env --default-signal} undoes that for the tests of what the signals do.
   */
  private static final long SIGHUP_BIT = 1L << (1 - 1);

  private static final long SIGINT_BIT = 1L << (2 - 1);

  private final AtomicInteger runs = new AtomicInteger();
  private final Path dir;
  private final Path lockDir;
  private final List<Running> started = new ArrayList<>();

  /** Keeps configuration files, output and locks in {@code dir} (a test's temporary directory). */
  ToolProcess(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.lockDir = dir.resolve("locks");
  }

  Path lockDir() {
    return lockDir;
  }

  /** Writes a configuration with this instance's lock directory and {@code pairsToml}. */
  Path config(String fileName, String pairsToml) throws IOException {
    Path file = dir.resolve(fileName);
    Files.writeString(
        file,
        "[global]\nlock_dir = " + TestConfigs.quote(lockDir.toString()) + "\n\n" + pairsToml,
        StandardCharsets.UTF_8);
    return file;
  }

  /** Starts {@code ARGS --config FILE}. */
  Running start(Path config, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.add("--config");
    argv.add(config.toString());
    return startRaw(argv);
  }

  /**
   * Starts {@code ARGS --config FILE} under {@code prefix} (e.g. nsenter into another network
   * namespace, where a test's ssh server is reachable).
   */
  synchronized Running startIn(List<String> prefix, Path config, String... args)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--config", config.toString()));
    return start(
        prefix, System.getProperty("java.class.path"), dir, argv, UnaryOperator.identity());
  }

  /** Runs {@code ARGS --config FILE} to its end. */
  Result run(Path config, String... args) throws IOException {
    return start(config, args).await();
  }

  /** Starts the tool with exactly {@code args} (for misuse of the command line). */
  synchronized Running startRaw(List<String> args) throws IOException {
    return start(
        List.of(), System.getProperty("java.class.path"), dir, args, UnaryOperator.identity());
  }

  /**
   * Starts {@code ARGS --config FILE} as the unprivileged {@code user} (through runuser), from a
   * copy of the tool's classes that every user can read.
   */
  synchronized Running startAs(String user, Path config, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--config", config.toString()));
    Path readable = ReadableClassPath.dir();
    return start(
        List.of("runuser", "-u", user, "--"),
        ReadableClassPath.get(),
        readable,
        argv,
        UnaryOperator.identity());
  }

  /**
   * Starts {@code ARGS --config FILE} on a pseudo-terminal, as someone at a terminal runs it: under
   * util-linux {@code script}, which makes a terminal the tool's stdin, stdout and stderr, and
   * copies what that terminal shows (both outputs, as on a screen) to the run's {@code out}; with
   * {@code stderrTo}, the tool's stderr goes to that file instead, as with {@code 2>FILE}.
   */
  synchronized Running startOnTerminal(Path config, Optional<Path> stderrTo, String... args)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--config", config.toString()));
    return start(
        List.of(),
        System.getProperty("java.class.path"),
        dir,
        argv,
        command ->
            List.of(
                "script",
                "-q", // no "Script started" lines
                "-e", // its exit code is the tool's
                "-c",
                BtrfsCommands.display(command)
                    + stderrTo
                        .map(f -> " 2>" + BtrfsCommands.display(List.of(f.toString())))
                        .orElse(""),
                "/dev/null")); // no typescript file: the terminal's output goes to stdout
  }

  /** {@code wrap} turns the tool's command into the one started (e.g. under a terminal). */
  private Running start(
      List<String> prefix,
      String classPath,
      Path workDir,
      List<String> args,
      UnaryOperator<List<String>> wrap)
      throws IOException {
    int n = runs.incrementAndGet();
    List<String> command = new ArrayList<>(prefix);
    long ignored = ignoredHere();
    if ((ignored & (SIGHUP_BIT | SIGINT_BIT)) != 0) {
      command.addAll(List.of("env", "--default-signal=HUP,INT"));
    }
    command.addAll(
        List.of(
            JAVA,
            // The launcher's options: a short-lived command-line tool.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-cp",
            classPath,
            "backuptool.cli.Main"));
    command.addAll(args);
    Path out = dir.resolve("run-" + n + ".out");
    Path err = dir.resolve("run-" + n + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(wrap.apply(command))
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    // A UTF-8 locale, as Debian gives cron jobs and services (/etc/default/locale): the JVM
    // names files in the locale's encoding, and paths here are not all ASCII.
    env.put("LC_ALL", "C.UTF-8");
    env.remove("JOURNAL_STREAM"); // plain stderr, also when the tests run under systemd
    env.put("SHELL", "/bin/sh"); // what script runs the command with
    Running running = new Running(pb.start(), List.copyOf(args), out, err);
    started.add(running);
    return running;
  }

  /** Kills whatever this instance started that still runs, and its children. */
  @Override
  public synchronized void close() {
    for (Running r : started) {
      if (r.process.isAlive()) {
        r.process.descendants().forEach(ProcessHandle::destroyForcibly);
        r.process.destroyForcibly();
        r.process.onExit().join();
      }
    }
    started.clear();
  }

  /** A finished run. */
  record Result(List<String> args, int exit, String out, String err, Duration took) {
    /** For assertion messages: the command, exit code and both outputs. */
    String transcript() {
      return "$ backup-tool "
          + String.join(" ", args)
          + "\n--- exit "
          + exit
          + " after "
          + took.toMillis()
          + " ms\n--- stdout:\n"
          + out
          + "--- stderr:\n"
          + err;
    }
  }

  /** A run that was started and may still be running. */
  static final class Running {
    private final Process process;
    private final List<String> args;
    private final Path out;
    private final Path err;
    private final long startNanos = System.nanoTime();

    private Running(Process process, List<String> args, Path out, Path err) {
      this.process = process;
      this.args = args;
      this.out = out;
      this.err = err;
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Sends signal {@code name} ("KILL", "TERM", "INT", "STOP", "CONT") to the tool's JVM. */
    void signal(String name) throws IOException {
      try {
        Commands.run("kill", "-s", name, Long.toString(process.pid()));
      } catch (IOException e) {
        // It may have ended just before: then there is nothing left to signal.
        if (process.isAlive()) {
          throw e;
        }
      }
    }

    /** Waits for the end of the run, at most {@link #TIMEOUT}. */
    Result await() throws IOException {
      return await(TIMEOUT);
    }

    Result await(Duration timeout) throws IOException {
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for backup-tool", e);
      }
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().join();
        fail(
            "backup-tool "
                + String.join(" ", args)
                + " did not finish within "
                + timeout.toSeconds()
                + " s; killed it. Output so far:\n"
                + Files.readString(out)
                + Files.readString(err));
      }
      Duration took = elapsed();
      return new Result(
          args,
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          took);
    }

    /** The pid of a child of this run whose command line contains {@code needle}, if one runs. */
    OptionalLong child(String needle) {
      for (ProcessHandle child : process.children().toList()) {
        if (commandLine(child.pid()).contains(needle)) {
          return OptionalLong.of(child.pid());
        }
      }
      return OptionalLong.empty();
    }

    /**
     * Waits until a child of this run whose command line contains {@code needle} runs (e.g. "btrfs
     * receive /target"); false if the run ends or {@code timeout} passes first.
     */
    boolean awaitChild(String needle, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (child(needle).isPresent()) {
          return true;
        }
        pause(2);
      }
      return false;
    }
  }

  /**
   * Every process on the machine (but this JVM) whose command line contains {@code needle}, as
   * "PID: COMMAND LINE". Orphans are found too: they are no longer children of anything we know.
   */
  static List<String> processesMentioning(String needle) throws IOException {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        long pid = Long.parseLong(proc.getFileName().toString());
        String cmd = commandLine(pid);
        if (pid != self && cmd.contains(needle)) {
          found.add(pid + ": " + cmd);
        }
      }
    }
    return found;
  }

  /** Waits up to {@code timeout} until no process mentions {@code needle}; returns those left. */
  static List<String> awaitNoProcessMentioning(String needle, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> left = processesMentioning(needle);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      pause(10);
      left = processesMentioning(needle);
    }
    return left;
  }

  /** The command line of {@code pid}, words joined by spaces; empty for a gone or zombie one. */
  static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return ""; // exited while being read
    }
  }

  /** The signals this JVM ignores, as the SigIgn mask of /proc/self/status (0 if unknown). */
  private static long ignoredHere() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
