package backuptool.remote;

import backuptool.btrfs.BtrfsCommands;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The way to one other machine in one run: every command goes through one ssh master connection
 * whose socket is in a directory of its own (so that two ways to one host, with different keys or
 * settings, never share a master: OpenSSH's {@code %C} would not tell them apart).
 *
 * <p>Each command costs a round trip, about 20-30 ms, and making the master connection costs about
 * as much as the JVM's start. So a run may ask ahead ({@link #readAhead}): the master is made while
 * the run works on this machine, then the commands that its scan will ask run a few at once. Their
 * answers wait, each to be taken once, until the run asks the same command or something changes
 * ({@link #forgetAhead}); what was read is what a command run then would have read, a moment
 * earlier, under the same lock.
 */
final class Connection {
  /** Any path: {@link SshArgv} takes the user, host and port of a location, not its path. */
  private static final Path ROOT = Path.of("/");

  /** What ssh-filter exits with when it refuses a command. */
  private static final int FILTER_REFUSED = 77;

  /** What ssh exits with when it, not the remote command, failed. */
  static final int SSH_FAILED = 255;

  /**
   * At most this many commands read ahead run at once. With the run's own (a command and one asked
   * alongside it) that is six sessions on the master at most: sshd allows ten unless MaxSessions
   * says fewer, and for a session over the limit OpenSSH quietly makes a connection of its own
   * (measured with MaxSessions 2: three connections in a run instead of one, every command right).
   */
  private static final int AHEAD_AT_ONCE = 4;

  private final SshHost host;
  private final List<String> program;
  private volatile Path controlDir;
  private volatile boolean used;

  /** How many masters were given up (see {@link #abandon}). */
  private int abandoned;

  /** Commands asked ahead, by their words, until taken or forgotten. */
  private final Map<List<String>, FutureTask<Programs.Output>> ahead = new ConcurrentHashMap<>();

  /**
   * While a master connection is being made ahead: completes with ssh's answer to its first command
   * once the master is up (and the commands to ask ahead are waiting in {@link #ahead}), or once it
   * could not be made. No other command may start before: it would make a second connection.
   */
  private volatile CompletableFuture<Programs.Output> connecting;

  /**
   * {@code controlDir}: the master's socket directory, the caller's own (0700); {@code program}:
   * the words that run ssh (["ssh"], or a test's wrapper).
   */
  Connection(SshHost host, Path controlDir, List<String> program) {
    this.host = host;
    this.controlDir = controlDir;
    this.program = List.copyOf(program);
  }

  SshHost host() {
    return host;
  }

  /** The local command that runs {@code remote} on the host. */
  List<String> argv(List<String> remote) {
    return withProgram(
        SshArgv.command(host.options(), Optional.of(controlDir), host.location(ROOT), remote));
  }

  /**
   * {@link #argv} for a command that the caller runs itself (a transfer's end), once no connection
   * is being made ahead.
   */
  List<String> argvToRun(List<String> remote) throws BtrfsException {
    used = true;
    connected();
    return argv(remote);
  }

  /**
   * Starts making the master connection, on a thread of its own, with {@code first} (whose answer
   * the run takes when it asks it); nothing if a connection is made or being made. The run's own
   * commands wait for it.
   */
  void connectAhead(List<String> first) {
    if (used) {
      return;
    }
    used = true;
    FutureTask<Programs.Output> task = task(first);
    ahead.put(first, task);
    CompletableFuture<Programs.Output> made = new CompletableFuture<>();
    connecting = made;
    daemon(
        () -> {
          task.run();
          try {
            made.complete(answer(task));
          } catch (BtrfsException e) {
            made.completeExceptionally(e);
          }
        },
        "ssh-connect-ahead");
  }

  /**
   * Once the master connection is up ({@link #connectAhead} with {@code first}, unless already made
   * or being made), runs at most {@link #AHEAD_AT_ONCE} at once the commands that {@code then}
   * makes of {@code first}'s output; the run's own commands wait until these are waiting to be
   * taken. Nothing if the connection was already used: {@code first}'s output is gone.
   */
  void readAhead(List<String> first, Function<String, List<List<String>>> then) {
    connectAhead(first);
    CompletableFuture<Programs.Output> made = connecting;
    if (made == null) {
      return;
    }
    CompletableFuture<Programs.Output> registered = new CompletableFuture<>();
    connecting = registered;
    daemon(
        () -> {
          Programs.Output o;
          try {
            o = answer(made);
          } catch (BtrfsException e) {
            registered.completeExceptionally(e);
            return;
          }
          List<FutureTask<Programs.Output>> tasks = new ArrayList<>();
          try {
            if (o.exit() != SSH_FAILED) {
              for (List<String> command : then.apply(o.out())) {
                tasks.add(ahead.computeIfAbsent(command, this::task));
              }
            }
          } finally {
            registered.complete(o); // the run asks for itself what was not asked ahead
          }
          // Each worker runs the next task not yet started; a task that the run asked for itself
          // meanwhile is already running or done, and run() does nothing.
          for (int i = 0; i < Math.min(AHEAD_AT_ONCE, tasks.size()); i++) {
            daemon(() -> tasks.forEach(FutureTask::run), "ssh-ahead-" + (i + 1));
          }
        },
        "ssh-read-ahead");
  }

  /**
   * Starts {@code remote} now, its answer to be taken by the next {@link #capture} of it (or
   * dropped); not while a connection is being made ahead, where it would make a second one.
   */
  void ask(List<String> remote) {
    if (connecting != null) {
      return;
    }
    FutureTask<Programs.Output> t = task(remote);
    if (ahead.putIfAbsent(remote, t) == null) {
      daemon(t, "ssh-ask");
    }
  }

  /** Drops the answer to {@code remote} asked ahead, if it was not taken. */
  void drop(List<String> remote) {
    ahead.remove(remote);
  }

  /** Drops the answers asked ahead that were not taken: something may have changed since. */
  void forgetAhead() {
    ahead.clear();
  }

  /** Runs {@code remote} on the host and returns its standard output; a failure says why. */
  String run(List<String> remote) throws BtrfsException {
    Programs.Output o = capture(remote);
    if (o.exit() != 0) {
      throw new BtrfsException(failure(remote, o.exit(), o.err()));
    }
    return o.out();
  }

  /** Runs {@code remote} on the host, whatever its exit code; or takes its answer asked ahead. */
  Programs.Output capture(List<String> remote) throws BtrfsException {
    used = true;
    Optional<Programs.Output> unreachable = connected();
    if (unreachable.isPresent()) {
      return unreachable.get();
    }
    FutureTask<Programs.Output> early = ahead.remove(remote);
    if (early != null) {
      early.run(); // unless a worker has started it
      return answer(early);
    }
    return Programs.capture(argv(remote));
  }

  /**
   * Waits for a connection being made ahead. If ssh could not make it, its answer, once: for the
   * run's first command, which would have failed as it did (ssh's failure names no command).
   */
  private Optional<Programs.Output> connected() throws BtrfsException {
    CompletableFuture<Programs.Output> made = connecting;
    if (made == null) {
      return Optional.empty();
    }
    connecting = null;
    Programs.Output o = answer(made);
    if (o.exit() == SSH_FAILED) {
      ahead.clear();
      return Optional.of(o);
    }
    return Optional.empty();
  }

  private FutureTask<Programs.Output> task(List<String> remote) {
    List<String> argv = argv(remote);
    return new FutureTask<>(() -> Programs.capture(argv));
  }

  /** What {@code future} gives once done, waiting through interrupts as Programs does. */
  private static Programs.Output answer(Future<Programs.Output> future) throws BtrfsException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true; // the process is stopped by the tool's signal handling; wait for it
        } catch (ExecutionException e) {
          if (e.getCause() instanceof BtrfsException b) {
            throw new BtrfsException(b.getMessage(), b);
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void daemon(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Why {@code remote} failed with {@code exit}, in the words of whoever failed: ssh (exit 255: the
   * host, the key or the link), the restricted key's filter (77), or the command itself.
   */
  String failure(List<String> remote, int exit, String stderr) {
    if (exit == SSH_FAILED) {
      return unreachable(stderr);
    }
    if (exit == FILTER_REFUSED && stderr.startsWith("ssh-filter: ")) {
      return "the restricted key's filter on "
          + host
          + " refused it: "
          + stderr.trim()
          + " (is the key's ssh-filter line in authorized_keys given this directory?)";
    }
    return BtrfsCommands.display(remote)
        + " failed on "
        + host
        + " (exit "
        + exit
        + "): "
        + (stderr.isBlank() ? "it printed no error message" : stderr.trim())
        + sudoHint(stderr);
  }

  /** What to do when sudo, not btrfs, refused: the usual cause is a missing sudoers line. */
  String sudoHint(String stderr) {
    if (!host.options().sudo() || !stderr.contains("sudo")) {
      return "";
    }
    String user = host.user().or(() -> host.options().user()).orElse("the remote user");
    return " (what to do: sudo = true runs btrfs there as `sudo -n -- btrfs ...`; let "
        + user
        + " run it without a password, with the line `"
        + user
        + " ALL=(root) NOPASSWD: /usr/bin/btrfs` in /etc/sudoers.d/backup-tool on "
        + host.address()
        + " (sudo installed), see docs/remote.md)";
  }

  /** ssh's own failure: OpenSSH's words, and what to do about the usual ones. */
  String unreachable(String stderr) {
    String words =
        stderr
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.matches("@+") && !l.startsWith("@@@"))
            .collect(Collectors.joining(" "));
    return "cannot reach "
        + host
        + " over ssh: "
        + (words.isEmpty() ? "ssh failed (exit 255) and printed nothing" : words)
        + hint(stderr);
  }

  private String hint(String stderr) {
    String known = host.options().knownHostsFile().map(Path::toString).orElse("~/.ssh/known_hosts");
    if (stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
      return " (what to do: the host's key is not the one recorded in "
          + known
          + "; if the host was reinstalled, check its new key's fingerprint there (ssh-keygen -lf"
          + " /etc/ssh/ssh_host_ed25519_key.pub), then replace the old one (ssh-keygen -R "
          + host.address()
          + " -f "
          + known
          + "); if not, someone may be in between: do not connect)";
    }
    if (stderr.contains("Host key verification failed")) {
      return " (what to do: the host's key is not in "
          + known
          + "; check its fingerprint on the host (ssh-keygen -lf"
          + " /etc/ssh/ssh_host_ed25519_key.pub), then add it, e.g. with ssh-keyscan "
          + host.address()
          + " >> "
          + known
          + ", or set accept_new_host_keys = true to trust a host's key on first contact)";
    }
    if (stderr.contains("Permission denied (")) {
      return " (what to do: the host refused the key"
          + host.options().identityFile().map(f -> " " + f).orElse("")
          + "; add its public key to the remote user's ~/.ssh/authorized_keys, see"
          + " docs/remote.md)";
    }
    return "";
  }

  /**
   * Gives up the master connection after a transfer stalled or ssh failed: later commands start a
   * new one, in a socket directory of its own. The old one is not asked to exit: on a dead link it
   * would hang trying to say goodbye, with its socket still taking new clients that then wait
   * forever. Its keep-alives end it (ServerAliveInterval times ServerAliveCountMax).
   */
  void abandon() throws BtrfsException {
    if (!used) {
      return;
    }
    used = false;
    forgetAhead();
    Path fresh = controlDir.resolveSibling(controlDir.getFileName() + "." + ++abandoned);
    try {
      Files.createDirectory(
          fresh,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new BtrfsException("cannot make a socket directory for a new connection: " + e, e);
    }
    controlDir = fresh;
  }

  /** Ends the master connection, if this run started one; a failure only costs its socket. */
  void close() {
    if (!used) {
      return;
    }
    used = false;
    try {
      connected(); // an exit sent while the master is being made would leave it running
      Programs.capture(
          withProgram(SshArgv.exitMaster(host.options(), controlDir, host.location(ROOT))));
    } catch (BtrfsException e) {
      // ControlPersist ends an idle master by itself.
    }
  }

  private List<String> withProgram(List<String> argv) {
    List<String> all = new ArrayList<>(program);
    all.addAll(argv.subList(1, argv.size())); // argv.get(0) is "ssh"
    return List.copyOf(all);
  }
}
