package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.ssh.SshServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs remote commands on a {@link SshServer} as the tool will: {@link SshArgv} with the server's
 * pinned known_hosts and one key, {@link RemoteShell}'s quoting, from the client namespace.
 */
final class SshClient {
  final SshServer server;
  final SshOptions options;
  final Optional<Path> controlDir;
  final SshLocation location;

  SshClient(SshServer server, Path key, Optional<Path> controlDir) {
    this.server = server;
    this.options =
        new SshOptions(
            Optional.of(key),
            Optional.of(server.knownHosts()),
            OptionalInt.empty(),
            Optional.of("root"),
            OptionalInt.of(5),
            Optional.empty(),
            false,
            false,
            List.of(),
            5,
            3,
            30);
    this.controlDir = controlDir;
    this.location =
        new SshLocation(Optional.empty(), server.address(), OptionalInt.empty(), "/unused");
  }

  /** The ssh argument list for {@code remote}. */
  List<String> argv(List<String> remote) {
    return SshArgv.command(options, controlDir, location, remote);
  }

  /** Runs {@code remote} on the server. */
  SshServer.Result run(List<String> remote) throws IOException {
    return server.run(argv(remote));
  }

  /** Sends {@code line} as the remote command exactly as it is, well-formed or not. */
  SshServer.Result raw(String line) throws IOException {
    List<String> argv = new ArrayList<>(argv(List.of("placeholder")));
    argv.set(argv.size() - 1, line);
    return server.run(argv);
  }

  /** Connects without any command, as an interactive login would. */
  SshServer.Result noCommand() throws IOException {
    List<String> argv = new ArrayList<>(argv(List.of("placeholder")));
    argv.remove(argv.size() - 1);
    return server.run(argv);
  }

  /** Closes the master connection, if there is one. */
  void exitMaster() throws IOException {
    if (controlDir.isPresent()) {
      server.run(SshArgv.exitMaster(options, controlDir.get(), location));
    }
  }

  /**
   * Runs {@code from | to} joined by a kernel pipe, each in the client namespace, and asserts that
   * both exit 0; returns their stderr.
   */
  String pipe(List<String> from, List<String> to) throws IOException, InterruptedException {
    List<Process> ps =
        ProcessBuilder.startPipeline(
            List.of(
                new ProcessBuilder(server.client(from)).redirectInput(new File("/dev/null")),
                new ProcessBuilder(server.client(to))));
    CompletableFuture<byte[]> fromErr = SshServer.drain(ps.get(0).getErrorStream());
    CompletableFuture<byte[]> toErr = SshServer.drain(ps.get(1).getErrorStream());
    CompletableFuture<byte[]> toOut = SshServer.drain(ps.get(1).getInputStream());
    boolean done =
        ps.get(0).waitFor(120, TimeUnit.SECONDS) && ps.get(1).waitFor(5, TimeUnit.SECONDS);
    if (!done) {
      ps.forEach(Process::destroyForcibly);
    }
    String err =
        new String(fromErr.join(), StandardCharsets.UTF_8)
            + new String(toErr.join(), StandardCharsets.UTF_8);
    assertEquals(
        "0 0",
        done ? ps.get(0).exitValue() + " " + ps.get(1).exitValue() : "timed out",
        () -> from + " | " + to + ": " + err);
    assertEquals("", new String(toOut.join(), StandardCharsets.UTF_8), "stdout of " + to);
    return err;
  }
}
