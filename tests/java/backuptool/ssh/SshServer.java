package backuptool.ssh;

import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.LoopBtrfs;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private OpenSSH server for tests: two network namespaces (server and client) joined by a veth
 * pair on a /30 of 10.250.0.0/16, a private sshd in the server namespace with its own host key,
 * config and authorized_keys, and a pinned known_hosts for clients in the client namespace. Only
 * the namespaces' own addresses are used; the machine's network and its sshd are not touched.
 *
 * <p>sshd is started with {@code nsenter --net}, not {@code ip netns exec}: the latter gives it a
 * private copy of the mounts, and loop filesystems mounted later would be invisible to remote
 * commands (see JAVA-NOTES, OpenSSH). Both "hosts" therefore see the same files, which is fine for
 * testing the transport; tests must not rely on it beyond setting up and checking.
 *
 * <p>Logins are root's by default; {@link #addUser} makes a throwaway user that is not root (and
 * {@link #letRunBtrfsThroughSudo} a sudoers line for it), for the tool's {@code sudo = true}. Those
 * are the only changes to the machine outside the namespaces and the directory.
 *
 * <p>{@link #close} kills every process in both namespaces (sshd, its sessions, master connections)
 * by pid, deletes the namespaces, the directory, the users and their sudoers files, also after a
 * failed test; what a killed test run left behind (its JVM gone) is removed before the next server
 * starts. Names carry the JVM's pid, as {@link LoopBtrfs}'s do.
 */
public final class SshServer implements AutoCloseable {
  private static final Path BASE = Path.of(LoopBtrfs.BASE);
  private static final Pattern OUR_DIR = Pattern.compile("ssh-(\\d+)-\\d+");
  private static final Pattern OUR_NETNS = Pattern.compile("btssh-(\\d+)-\\d+-[sc]");
  private static final Pattern OUR_USER = Pattern.compile("btu-(\\d+)-\\d+");
  private static final Path SUDOERS_D = Path.of("/etc/sudoers.d");
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static boolean swept;

  private final Path dir;
  private final String serverNs;
  private final String clientNs;
  private final String address;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> users = new ArrayList<>();
  private Process sshd;

  private SshServer(Path dir, String serverNs, String clientNs, String address) {
    this.dir = dir;
    this.serverNs = serverNs;
    this.clientNs = clientNs;
    this.address = address;
  }

  /** Namespaces, a host key, sshd listening on port 22 of the server namespace's address. */
  public static SshServer start() throws IOException {
    int n = prepare();
    // A /30 per server, from the pid and a counter: distinct for servers of one run, and for
    // concurrent runs almost always (the namespaces are private, so a clash would not even matter).
    int index = (int) ((PID * 31 + n) % 16384);
    String net = "10.250." + index / 64 + "." + (index % 64) * 4;
    String prefix = net.substring(0, net.lastIndexOf('.') + 1);
    int base = (index % 64) * 4;
    String id = PID + "-" + n;
    SshServer server =
        new SshServer(
            BASE.resolve("ssh-" + id),
            "btssh-" + id + "-s",
            "btssh-" + id + "-c",
            prefix + (base + 1));
    try {
      server.setUp(prefix + (base + 2));
    } catch (IOException | RuntimeException e) {
      try {
        server.close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return server;
  }

  private void setUp(String clientAddress) throws IOException {
    // Searchable by other users (not listable): sshd reads a user's keys as that user, and a user's
    // forced command may be a script in here. Private keys in it are 0600.
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.createDirectories(dir.resolve("keys"));
    for (String ns : List.of(serverNs, clientNs)) {
      Commands.run("ip", "netns", "add", ns);
      namespaces.add(ns);
      ipIn(ns, "link", "set", "lo", "up");
    }
    ipIn(
        serverNs, "link", "add", "veth-s", "type", "veth", "peer", "name", "veth-c", "netns",
        clientNs);
    ipIn(serverNs, "addr", "add", address + "/30", "dev", "veth-s");
    ipIn(clientNs, "addr", "add", clientAddress + "/30", "dev", "veth-c");
    ipIn(serverNs, "link", "set", "veth-s", "up");
    ipIn(clientNs, "link", "set", "veth-c", "up");

    keygen(dir.resolve("host_key"), "host");
    String hostKey = Files.readString(dir.resolve("host_key.pub")).trim();
    Files.writeString(knownHosts(), address + " " + hostKey + "\n");
    authorize(List.of());
    Files.writeString(dir.resolve("sshd_config"), config());
    Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory

    Path pidFile = dir.resolve("sshd.pid");
    sshd =
        new ProcessBuilder(
                "nsenter",
                "--net=/run/netns/" + serverNs,
                "/usr/sbin/sshd",
                "-D",
                "-f",
                dir.resolve("sshd_config").toString(),
                "-E",
                log().toString())
            .redirectInput(new File("/dev/null"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.out").toFile())
            .start();
    // sshd writes its pid file once it listens.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(pidFile) || Files.size(pidFile) == 0) {
      if (!sshd.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(
            "sshd did not start"
                + (sshd.isAlive() ? " within 10 s" : " (exit " + sshd.exitValue() + ")")
                + ": "
                + read(log())
                + read(dir.resolve("sshd.out")));
      }
      sleep(20);
    }
  }

  private String config() throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "ListenAddress " + address + ":22",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("keys") + "/%u",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // Otherwise sshd refuses keys in a directory below /var/tmp (not root's alone).
                "StrictModes no",
                "ClientAliveInterval 2",
                "ClientAliveCountMax 3",
                "MaxStartups 100:30:200",
                // Sessions at once on one connection: the tool needs at most six (Connection's
                // reads ahead and its own); over the limit OpenSSH would quietly open another
                // connection, which the tests that count connections then see.
                "MaxSessions 6",
                "PrintMotd no",
                // Debian's bash reads ~/.bashrc for a command from sshd, unless SHLVL says it runs
                // below another shell: a slow .bashrc of the machine's root (pyenv, say) would
                // otherwise cost every remote command a fifth of a second.
                "SetEnv SHLVL=1",
                "LogLevel INFO"));
    if (opensshAtLeast(9, 8)) {
      // Otherwise the refused commands of a test get later connections refused.
      lines.add("PerSourcePenalties no");
    }
    return String.join("\n", lines) + "\n";
  }

  /** A new ed25519 key pair in the server's directory; returns the private key (mode 0600). */
  public Path newClientKey(String name) throws IOException {
    Path key = dir.resolve("key-" + name);
    keygen(key, name);
    return key;
  }

  /**
   * The authorized_keys line for {@code key}: {@code options} (e.g. {@code
   * command="...",restrict}), a space, and its public key; empty options for an unrestricted key.
   */
  public String authorizedKeysLine(Path key, String options) throws IOException {
    String pub = Files.readString(Path.of(key + ".pub")).trim();
    return options.isEmpty() ? pub : options + " " + pub;
  }

  /** Replaces root's authorized_keys with {@code lines}; sshd reads it at every connection. */
  public void authorize(List<String> lines) throws IOException {
    authorize("root", lines);
  }

  /** Replaces {@code user}'s authorized_keys with {@code lines}. */
  public void authorize(String user, List<String> lines) throws IOException {
    Path keys = dir.resolve("keys").resolve(user);
    Files.writeString(keys, String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /**
   * A new user that is not root, with /bin/sh as its shell, no home and no password (the password
   * field is "*", not "!": sshd without PAM refuses a locked account even for a key); removed by
   * {@link #close}. Returns its name.
   */
  public String addUser() throws IOException {
    String name = "btu-" + PID + "-" + COUNTER.incrementAndGet();
    Commands.run(
        "useradd",
        "--system",
        "--no-create-home",
        "--home-dir",
        "/",
        "--shell",
        "/bin/sh",
        "-p",
        "*",
        name);
    users.add(name);
    return name;
  }

  /**
   * Lets {@code user} run btrfs as root through {@code sudo -n}, with the line that docs/remote.md
   * gives, in a file of its own in /etc/sudoers.d (checked with visudo before sudo reads it).
   */
  public void letRunBtrfsThroughSudo(String user) throws IOException {
    if (!users.contains(user)) {
      throw new IllegalArgumentException("not a user of this server: " + user);
    }
    Path staged = dir.resolve("sudoers-" + user);
    Files.writeString(staged, user + " ALL=(root) NOPASSWD: /usr/bin/btrfs\n");
    Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("r--r-----"));
    Commands.run("visudo", "-c", "-q", "-f", staged.toString());
    Files.move(staged, SUDOERS_D.resolve(user));
  }

  /**
   * {@code command="'w1' 'w2' ...",restrict}: a forced command for authorized_keys, each word
   * single-quoted for the user's shell (which runs it), refusing words that would need more.
   */
  public static String forcedCommand(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String word : argv) {
      if (word.contains("'") || word.contains("\"") || word.contains("\\") || word.contains("\n")) {
        throw new IllegalArgumentException("cannot put into a forced command: " + word);
      }
      sb.append(sb.length() == 0 ? "" : " ").append('\'').append(word).append('\'');
    }
    return "command=\"" + sb + "\",restrict";
  }

  /** The server's address, in the server namespace; port 22. */
  public String address() {
    return address;
  }

  /** known_hosts with exactly the server's host key. */
  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  /** The server's private directory (0700), short enough for a ControlPath below it. */
  public Path dir() {
    return dir;
  }

  /** sshd's log (-E). */
  public Path log() {
    return dir.resolve("sshd.log");
  }

  /** How many connections sshd has accepted so far (from its log). */
  public long acceptedConnections() throws IOException {
    try (Stream<String> lines = Files.lines(log())) {
      return lines.filter(l -> l.contains("Accepted publickey for ")).count();
    }
  }

  /** Cuts the link between the two namespaces, as a cable pulled out. */
  public void linkDown() throws IOException {
    ipIn(clientNs, "link", "set", "veth-c", "down");
  }

  /**
   * Restores the link; forgets the neighbours, as the first connection after the link came back may
   * otherwise say "No route to host".
   */
  public void linkUp() throws IOException {
    ipIn(clientNs, "link", "set", "veth-c", "up");
    ipIn(serverNs, "link", "set", "veth-s", "up");
    ipIn(clientNs, "neigh", "flush", "all");
    ipIn(serverNs, "neigh", "flush", "all");
  }

  /** {@code argv} to run in the client namespace. */
  public List<String> client(List<String> argv) {
    List<String> command = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + clientNs));
    command.addAll(argv);
    return command;
  }

  /** What a command printed, and its exit code. */
  public record Result(int exit, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + ", stdout: " + stdout + ", stderr: " + stderr;
    }
  }

  /**
   * Runs {@code argv} in the client namespace with nothing on stdin, and waits for it and for the
   * end of both its outputs (a child that keeps them open, such as a master connection that did not
   * let go of stderr, fails here instead of hanging the test).
   */
  public Result run(List<String> argv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(client(argv)).redirectInput(new File("/dev/null"));
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out after " + TIMEOUT + ": " + argv);
      }
      return new Result(
          p.exitValue(),
          new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8),
          new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + argv, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("its output stayed open after it exited: " + argv, e);
    }
  }

  /** Reads a stream to its end on another thread. */
  public static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Kills every process in both namespaces, deletes them and the directory. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (String ns : List.of(clientNs, serverNs)) {
      try {
        if (namespaces.contains(ns)) {
          killAllIn(ns);
          Commands.run("ip", "netns", "delete", ns);
        }
      } catch (IOException e) {
        failure = add(failure, e);
      }
    }
    if (sshd != null) {
      sshd.destroyForcibly();
    }
    for (String user : users) {
      try {
        removeUser(user);
      } catch (IOException e) {
        failure = add(failure, e);
      }
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      failure = add(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Removes {@code user}'s sudoers file, then the user (its processes are gone with the server).
   */
  private static void removeUser(String user) throws IOException {
    Files.deleteIfExists(SUDOERS_D.resolve(user));
    Commands.run("userdel", user);
  }

  /** Removes the namespaces and directories of earlier runs whose JVM is gone. */
  private static synchronized int prepare() throws IOException {
    if (!swept) {
      swept = true;
      Files.createDirectories(BASE);
      for (String ns : Commands.run("ip", "netns", "list").lines().toList()) {
        String name = ns.split(" ", 2)[0];
        Matcher m = OUR_NETNS.matcher(name);
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          killAllIn(name);
          Commands.run("ip", "netns", "delete", name);
        }
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(BASE)) {
        for (Path entry : entries) {
          Matcher m = OUR_DIR.matcher(entry.getFileName().toString());
          if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
            deleteTree(entry);
          }
        }
      }
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        Matcher m = OUR_USER.matcher(line.split(":", 2)[0]);
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          removeUser(m.group());
        }
      }
    }
    return COUNTER.incrementAndGet();
  }

  /** SIGTERM to every process in {@code ns}, SIGKILL to those still there after 2 s. */
  private static void killAllIn(String ns) throws IOException {
    List<ProcessHandle> processes = new ArrayList<>();
    for (String pid : Commands.run("ip", "netns", "pids", ns).lines().toList()) {
      ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(processes::add);
    }
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(20);
    }
    processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void keygen(Path key, String comment) throws IOException {
    Commands.run(
        "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString());
  }

  private static boolean opensshAtLeast(int major, int minor) throws IOException {
    Matcher m = Pattern.compile("OpenSSH_(\\d+)\\.(\\d+)").matcher(Commands.run("ssh", "-V"));
    if (!m.find()) {
      throw new IOException("cannot tell the OpenSSH version from ssh -V");
    }
    int ma = Integer.parseInt(m.group(1));
    return ma > major || (ma == major && Integer.parseInt(m.group(2)) >= minor);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static IOException add(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * {@code ip ARGS} in network namespace {@code ns}, entered with nsenter: {@code ip -n} would also
   * make / a slave mount, which fails where / is not a mount point (a bare chroot).
   */
  private static String ipIn(String ns, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns, "ip"));
    argv.addAll(List.of(args));
    return Commands.run(argv.toArray(String[]::new));
  }
}
