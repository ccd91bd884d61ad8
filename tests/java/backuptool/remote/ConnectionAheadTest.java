package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order in which {@link Connection} runs what it asks ahead, with a stand-in for ssh that logs
 * when each remote command starts and ends: nothing starts while the connection made ahead is not
 * up (it would make a second connection), an answer asked ahead is taken once and not asked again,
 * and a connection that could not be made fails the run's first command with ssh's words. That the
 * connection is one, over a real sshd, is in {@link SshConnectionTest}.
 */
class ConnectionAheadTest {
  @TempDir Path dir;

  /**
   * A stand-in for ssh: logs "start WORD" and "end WORD" for the remote command's last word, prints
   * that word; for "slow" waits 0.3 s first; for "refused" fails as ssh does when it cannot
   * connect.
   */
  private Connection connection() throws IOException {
    Path log = dir.resolve("log");
    Path ssh = dir.resolve("ssh");
    Files.writeString(
        ssh,
        "#!/bin/bash\n"
            + "last=${@: -1}\n"
            + "echo \"start $last\" >> '"
            + log
            + "'\n"
            + "[ \"$last\" = \"'slow'\" ] && sleep 0.3\n"
            + "if [ \"$last\" = \"'refused'\" ]; then\n"
            + "  echo 'ssh: connect to host server port 22: Connection refused' >&2; exit 255\n"
            + "fi\n"
            + "printf '%s' \"$last\"\n"
            + "echo \"end $last\" >> '"
            + log
            + "'\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
    SshHost host =
        new SshHost(
            Optional.empty(),
            "server",
            OptionalInt.empty(),
            SshOptions.DEFAULTS,
            Duration.ofMinutes(1));
    return new Connection(host, dir, List.of(ssh.toString()));
  }

  private List<String> log() throws IOException {
    Path log = dir.resolve("log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void noCommandStartsBeforeTheConnectionMadeAheadIsUp() throws Exception {
    Connection c = connection();
    c.connectAhead(List.of("slow"));
    assertEquals("'other'", c.capture(List.of("other")).out());
    assertEquals(List.of("start 'slow'", "end 'slow'", "start 'other'", "end 'other'"), log());
    assertEquals("'slow'", c.capture(List.of("slow")).out(), "the first answer, taken");
    assertEquals(4, log().size(), "and not asked again");
  }

  @Test
  void whatIsReadAheadIsRunOnceAndTakenOnceUntilForgotten() throws Exception {
    Connection c = connection();
    c.readAhead(
        List.of("slow"),
        first -> first.equals("'slow'") ? List.of(List.of("a"), List.of("b")) : List.of());
    assertEquals("'b'", c.capture(List.of("b")).out());
    assertEquals("'a'", c.capture(List.of("a")).out());
    assertEquals(1, count("start 'a'"), log().toString());
    assertEquals(1, count("start 'b'"), log().toString());
    assertEquals("'a'", c.capture(List.of("a")).out());
    assertEquals(2, count("start 'a'"), "a second capture runs it again");

    c.ask(List.of("asked"));
    waitUntilEnded("'asked'");
    c.forgetAhead(); // something changed
    assertEquals("'asked'", c.capture(List.of("asked")).out());
    assertEquals(2, count("start 'asked'"), "what was asked before the change is asked again");
  }

  @Test
  void aConnectionThatCouldNotBeMadeFailsTheFirstCommandWithSshsWords() throws Exception {
    Connection c = connection();
    c.readAhead(List.of("refused"), first -> List.of(List.of("never")));
    Programs.Output o = c.capture(List.of("stat"));
    assertEquals(Connection.SSH_FAILED, o.exit());
    assertTrue(o.err().contains("Connection refused"), o.err());
    assertEquals(List.of("start 'refused'"), log(), "nothing else was started");
    assertTrue(
        c.failure(List.of("stat"), o.exit(), o.err()).startsWith("cannot reach ssh://server"),
        c.failure(List.of("stat"), o.exit(), o.err()));
    assertEquals("'stat'", c.capture(List.of("stat")).out(), "the next command tries again");
  }

  @Test
  void askingAheadWhileTheConnectionIsBeingMadeStartsNothing() throws Exception {
    Connection c = connection();
    c.connectAhead(List.of("slow"));
    c.ask(List.of("asked"));
    assertEquals("'asked'", c.capture(List.of("asked")).out());
    assertEquals(List.of("start 'slow'", "end 'slow'", "start 'asked'", "end 'asked'"), log());
  }

  private long count(String line) throws IOException {
    return log().stream().filter(line::equals).count();
  }

  private void waitUntilEnded(String word) throws IOException, InterruptedException {
    for (int i = 0; i < 100 && !log().contains("end " + word); i++) {
      Thread.sleep(20);
    }
  }
}
