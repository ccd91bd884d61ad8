package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.Programs;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An unrestricted key over a real sshd: {@link RemoteShell}'s quoting reaches the remote login
 * shell's argv exactly, and {@link SshArgv}'s master connection carries every command to a host
 * over one connection.
 */
@Tag("btrfs")
class SshConnectionTest {
  private static SshServer server;
  private static Path key;

  @BeforeAll
  static void start() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    server = SshServer.start();
    key = server.newClientKey("admin");
    server.authorize(List.of(server.authorizedKeysLine(key, "")));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void hostileWordsReachTheRemoteCommandExactly() throws IOException {
    SshClient client = new SshClient(server, key, Optional.empty());
    List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
    argv.addAll(RemoteShellTest.HOSTILE);
    SshServer.Result r = client.run(argv);
    assertEquals(0, r.exit(), r.toString());
    assertEquals(String.join("\0", RemoteShellTest.HOSTILE) + "\0", r.stdout());
    assertFalse(Files.exists(Path.of(System.getProperty("user.home"), "pwned")), "nothing was run");
  }

  @Test
  void commandsThroughAMasterShareOneConnection() throws IOException {
    Path control = Files.createDirectory(server.dir().resolve("cm-admin"));
    SshClient shared = new SshClient(server, key, Optional.of(control));
    long before = server.acceptedConnections();
    for (int i = 0; i < 5; i++) {
      SshServer.Result r = shared.run(List.of("true"));
      assertEquals(0, r.exit(), r.toString());
      // Whatever the remote login shell prints would corrupt a stream pulled on stdout.
      assertEquals("", r.stdout(), "the remote shell printed something");
    }
    assertEquals(1, server.acceptedConnections() - before, "five commands, one connection");
    assertEquals(1, sockets(control), "the master's socket");

    shared.exitMaster();
    assertEquals(0, sockets(control), "the master is gone");

    SshClient unshared = new SshClient(server, key, Optional.empty());
    long without = server.acceptedConnections();
    for (int i = 0; i < 3; i++) {
      assertEquals(0, unshared.run(List.of("true")).exit());
    }
    assertEquals(3, server.acceptedConnections() - without, "without a master, one each");
  }

  @Test
  void whatIsReadAheadGoesThroughTheOneConnectionMadeAhead() throws Exception {
    Path control = Files.createDirectory(server.dir().resolve("cm-ahead"));
    SshHost host =
        new SshHost(
            Optional.empty(),
            server.address(),
            OptionalInt.empty(),
            RemotePorts.options(server, key),
            Duration.ofSeconds(30));
    Connection c = new Connection(host, control, server.client(List.of("ssh")));
    long before = server.acceptedConnections();
    // Each read takes a while, so that as many run at once as the connection lets them: more
    // than sshd's MaxSessions here (6) would quietly make another connection.
    List<List<String>> reads = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      reads.add(List.of("sh", "-c", "sleep 0.3; printf %s \"$1\"", "sh", "read " + i));
    }
    c.readAhead(
        List.of("printf", "%s", "first"), first -> first.equals("first") ? reads : List.of());
    for (int i = 8; i >= 0; i--) {
      Programs.Output o = c.capture(reads.get(i));
      assertEquals(0, o.exit(), o.toString());
      assertEquals("read " + i, o.out());
    }
    assertEquals("first", c.run(List.of("printf", "%s", "first")));
    assertEquals(1, server.acceptedConnections() - before, "ten commands, one connection");
    c.close();
    assertEquals(0, sockets(control), "the master is gone");
  }

  @Test
  void anUnknownHostKeyIsRefused() throws IOException {
    Path emptyKnownHosts = Files.createFile(server.dir().resolve("known_hosts-empty"));
    SshClient client = new SshClient(server, key, Optional.empty());
    List<String> argv = new ArrayList<>(client.argv(List.of("true")));
    argv.replaceAll(
        w -> w.startsWith("UserKnownHostsFile=") ? "UserKnownHostsFile=" + emptyKnownHosts : w);
    SshServer.Result r = server.run(argv);
    assertEquals(255, r.exit(), r.toString());
    assertTrue(r.stderr().contains("Host key verification failed"), r.stderr());
  }

  private static long sockets(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.count();
    }
  }
}
