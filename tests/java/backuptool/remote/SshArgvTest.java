package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SshArgvTest {
  private static final SshLocation SERVER =
      SshLocation.parse("ssh://server/backup/laptop").location().orElseThrow();

  private static SshOptions options(
      Optional<String> user, OptionalInt port, boolean acceptNew, List<String> extra) {
    return new SshOptions(
        Optional.of(Path.of("/etc/backup-tool/id_ed25519")),
        Optional.of(Path.of("/etc/backup-tool/known_hosts")),
        port,
        user,
        OptionalInt.of(5),
        Optional.of("aes128-gcm@openssh.com"),
        acceptNew,
        false,
        extra,
        5,
        3,
        30);
  }

  @Test
  void hermeticOptionsThenHostThenTheQuotedCommand() {
    List<String> argv =
        SshArgv.command(
            options(
                Optional.of("backup"), OptionalInt.of(2222), false, List.of("IPQoS=throughput")),
            Optional.of(Path.of("/run/backup-tool/ssh-1")),
            SERVER,
            List.of("btrfs", "receive", "-q", "-C", "/backup/laptop"));
    assertEquals(
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-T",
            "-x",
            "-a",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-i",
            "/etc/backup-tool/id_ed25519",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "UserKnownHostsFile=/etc/backup-tool/known_hosts",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "ConnectTimeout=5",
            "-o",
            "ServerAliveInterval=5",
            "-o",
            "ServerAliveCountMax=3",
            "-o",
            "ControlMaster=auto",
            "-o",
            "ControlPath=/run/backup-tool/ssh-1/%C",
            "-o",
            "ControlPersist=30s",
            "-c",
            "aes128-gcm@openssh.com",
            "-p",
            "2222",
            "-l",
            "backup",
            "-o",
            "IPQoS=throughput",
            "--",
            "server",
            "'btrfs' 'receive' '-q' '-C' '/backup/laptop'"),
        argv);
  }

  @Test
  void defaultsLeaveOutWhatIsNotGivenAndNoMasterWithoutADirectory() {
    assertEquals(
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-T",
            "-x",
            "-a",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
            "--",
            "server",
            "'cat' '/etc/fstab'"),
        SshArgv.command(SshOptions.DEFAULTS, Optional.empty(), SERVER, RemoteCommands.readFstab()));
  }

  @Test
  void withSudoOnlyTheBtrfsCommandsRunThroughSudoWithoutAPassword() {
    SshOptions d = SshOptions.DEFAULTS;
    SshOptions sudo =
        new SshOptions(
            d.identityFile(),
            d.knownHostsFile(),
            d.port(),
            Optional.of("backup"),
            d.connectTimeoutSeconds(),
            d.cipher(),
            d.acceptNewHostKeys(),
            true,
            d.extraOptions(),
            d.serverAliveIntervalSeconds(),
            d.serverAliveCountMax(),
            d.controlPersistSeconds());
    Path dir = Path.of("/backup/laptop");
    Optional<Path> none = Optional.empty();
    String receive = last(SshArgv.command(sudo, none, SERVER, RemoteCommands.receive(dir)));
    assertEquals("'sudo' '-n' '--' 'btrfs' 'receive' '-q' '-C' '/backup/laptop'", receive);
    for (List<String> reading :
        List.of(
            RemoteCommands.stat(dir),
            RemoteCommands.realpath(dir),
            RemoteCommands.listDirectory(dir),
            RemoteCommands.readMountInfo())) {
      assertEquals(
          last(SshArgv.command(d, none, SERVER, reading)),
          last(SshArgv.command(sudo, none, SERVER, reading)),
          "as the remote user: " + reading);
    }
    for (List<String> btrfs :
        List.of(
            RemoteCommands.listAll(dir),
            RemoteCommands.show(dir),
            RemoteCommands.send(dir, Optional.empty()),
            RemoteCommands.snapshot(dir, dir.resolve("s")),
            RemoteCommands.deleteBatches(List.of(dir.resolve("s"))).get(0))) {
      assertEquals(
          "'sudo' '-n' '--' " + last(SshArgv.command(d, none, SERVER, btrfs)),
          last(SshArgv.command(sudo, none, SERVER, btrfs)));
    }
  }

  private static String last(List<String> argv) {
    return argv.get(argv.size() - 1);
  }

  @Test
  void acceptNewOnlyWhenAsked() {
    List<String> argv =
        SshArgv.command(
            options(Optional.empty(), OptionalInt.empty(), true, List.of()),
            Optional.empty(),
            SERVER,
            List.of("true"));
    assertTrue(argv.contains("StrictHostKeyChecking=accept-new"), argv.toString());
    assertTrue(argv.stream().noneMatch(w -> w.equals("StrictHostKeyChecking=yes")));
  }

  @Test
  void theLocationsUserAndPortWin() {
    SshLocation location =
        SshLocation.parse("ssh://root@server:2200/backup").location().orElseThrow();
    List<String> argv =
        SshArgv.command(
            options(Optional.of("backup"), OptionalInt.of(2222), false, List.of()),
            Optional.empty(),
            location,
            List.of("true"));
    String joined = String.join(" ", argv);
    assertTrue(joined.contains(" -p 2200 -l root "), joined);
  }

  @Test
  void exitMasterNamesTheSameSocket() {
    assertEquals(
        List.of(
            "ssh",
            "-F",
            "/dev/null",
            "-T",
            "-x",
            "-a",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
            "-o",
            "ControlMaster=auto",
            "-o",
            "ControlPath=/run/b/%C",
            "-o",
            "ControlPersist=60s",
            "-O",
            "exit",
            "--",
            "server"),
        SshArgv.exitMaster(SshOptions.DEFAULTS, Path.of("/run/b"), SERVER));
  }

  @Test
  void aControlDirectoryTooLongForASocketIsRefused() {
    Path longDir = Path.of("/" + "d".repeat(50));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SshArgv.command(SshOptions.DEFAULTS, Optional.of(longDir), SERVER, List.of("x")));
    assertTrue(e.getMessage().contains("at most 49 bytes"), e.getMessage());
    SshArgv.command(
        SshOptions.DEFAULTS, Optional.of(Path.of("/" + "d".repeat(48))), SERVER, List.of("x"));
  }

  @Test
  void extraOptionsMayNotOverrideWhatTheToolSets() {
    SshOptions bad =
        options(
            Optional.empty(),
            OptionalInt.empty(),
            false,
            List.of("StrictHostKeyChecking=no", "controlpath=/tmp/x", "NoEquals", "A=b\nc"));
    List<String> problems = bad.problems();
    assertEquals(4, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("sets StrictHostKeyChecking, which backup-tool sets"));
    assertTrue(problems.get(1).contains("sets controlpath"));
    assertTrue(problems.get(2).contains("not of the form Name=value"));
    assertTrue(problems.get(3).contains("'A=b\\nc'"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SshArgv.command(bad, Optional.empty(), SERVER, List.of("true")));
  }

  @Test
  void otherBadValuesAreNamedByTheirKey() {
    SshOptions bad =
        new SshOptions(
            Optional.of(Path.of("id")),
            Optional.of(Path.of("kh")),
            OptionalInt.of(0),
            Optional.of("-oProxyCommand=x"),
            OptionalInt.of(0),
            Optional.of("aes;rm"),
            false,
            false,
            List.of(),
            0,
            1,
            1);
    List<String> problems = bad.problems();
    assertEquals(7, problems.size(), problems.toString());
    for (String key :
        List.of("identity_file", "known_hosts_file", "port", "user", "connect_timeout", "cipher")) {
      assertTrue(problems.stream().anyMatch(p -> p.startsWith(key)), key + " in " + problems);
    }
  }

  @Test
  void aHostileRemoteCommandStaysOneQuotedWord() {
    List<String> argv =
        SshArgv.command(
            SshOptions.DEFAULTS,
            Optional.empty(),
            SERVER,
            List.of("btrfs", "subvolume", "show", "/b/a b;$(id)`x`"));
    assertEquals("'btrfs' 'subvolume' 'show' '/b/a b;$(id)`x`'", argv.get(argv.size() - 1));
    assertEquals("server", argv.get(argv.size() - 2));
    assertEquals("--", argv.get(argv.size() - 3));
  }
}
