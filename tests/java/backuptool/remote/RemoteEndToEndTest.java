package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.TestConfigs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.RealBtrfs;
import backuptool.cli.Environment;
import backuptool.model.Subvolume;
import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.InProcess;
import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.MutableClock;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.realbtrfs.TestData;
import backuptool.realbtrfs.TreeManifest;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole tool through its command line with one side on another machine, over a real sshd (both
 * "machines" see the same loop filesystems, see {@link SshServer}; the tool reaches the server's
 * only through ssh): push and pull, full and incremental, checked byte for byte and by parent uuid;
 * purge on the remote side; one connection per run; the -v command lines run as they are shown; an
 * unreachable host, a wrong host key and the restricted key.
 */
@Tag("btrfs")
class RemoteEndToEndTest {
  private static LoopBtrfs here;
  private static LoopBtrfs there;
  private static SshServer server;
  private static Path key;
  private static Path restrictedKey;
  private static int pairs;

  @TempDir Path work;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T08:00:00Z"));
  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void start() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    here = LoopBtrfs.create("wire-here", 1024);
    there = LoopBtrfs.create("wire-there", 1024);
    server = SshServer.start();
    key = server.newClientKey("admin");
    restrictedKey = server.newClientKey("restricted");
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (server != null) {
        server.close(); // first: its sessions may still use the filesystems
      }
    } finally {
      LoopBtrfs.closeAll(here, there);
    }
  }

  /** Only {@code key} may log in, without restriction; or the lines given. */
  private static void authorize(String... restricted) throws IOException {
    List<String> lines = new java.util.ArrayList<>(List.of(server.authorizedKeysLine(key, "")));
    lines.addAll(List.of(restricted));
    server.authorize(lines);
  }

  private String url(Path path) {
    return "ssh://" + server.address() + path;
  }

  private static String ssh(Path identity, Path knownHosts) {
    return "[ssh]\n"
        + "identity_file = "
        + TestConfigs.quote(identity.toString())
        + "\nknown_hosts_file = "
        + TestConfigs.quote(knownHosts.toString())
        + "\nuser = \"root\"\nconnect_timeout = 5\n\n";
  }

  private static String ssh() {
    return ssh(key, server.knownHosts());
  }

  private InProcess.Run run(String config, String... args) throws IOException {
    return InProcess.run(environment(), work, config, args);
  }

  private InProcess.Run ok(String config, String... args) throws IOException {
    return InProcess.ok(environment(), work, config, args);
  }

  private Environment environment() {
    return InProcess.environment(
        btrfs, clock, work, SshRemotes.with(server.client(List.of("ssh")), work.resolve("state")));
  }

  /** A live volume with data, an empty snapshot directory beside it, an empty backup directory. */
  private record Dirs(String name, Path volume, Path snaps, Path backups) {}

  private static Dirs dirs(LoopBtrfs volumeFs, LoopBtrfs backupFs, String backupsName)
      throws IOException {
    String name = "p" + ++pairs;
    Path volume = volumeFs.root().resolve(name + "-live");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, pairs);
    return new Dirs(
        name,
        volume,
        Files.createDirectories(volumeFs.root().resolve(name + " snapshots")),
        Files.createDirectories(backupFs.root().resolve(name + backupsName)));
  }

  private String pushToml(Dirs d, int targetCount) {
    return TestConfigs.pair(
        d.name(),
        d.volume().toString(),
        d.snaps().toString(),
        url(d.backups()),
        100,
        1000,
        targetCount,
        0);
  }

  private String pullToml(Dirs d, int count) {
    return TestConfigs.pair(
        d.name(), url(d.volume()), url(d.snaps()), d.backups().toString(), count, 0, 100, 1000);
  }

  private Map<String, Subvolume> list(Path dir) throws BtrfsException {
    return btrfs.list(dir).subvolumes().stream()
        .collect(Collectors.toMap(Subvolume::name, Function.identity()));
  }

  /** Every backup equals its snapshot byte for byte, and was received from it. */
  private void assertBackupsEqualSnapshots(Dirs d) throws IOException, BtrfsException {
    Map<String, Subvolume> snaps = list(d.snaps());
    Map<String, Subvolume> backups = list(d.backups());
    assertFalse(backups.isEmpty());
    for (Subvolume backup : backups.values()) {
      Subvolume snap = snaps.get(backup.name());
      if (snap == null) {
        continue; // purged after it was compared
      }
      assertTrue(backup.readOnly(), backup.name());
      assertEquals(snap.identity(), backup.receivedUuid().orElseThrow(), backup.name());
      assertEquals(
          TreeManifest.of(d.snaps().resolve(snap.name())),
          TreeManifest.of(d.backups().resolve(backup.name())),
          backup.name());
    }
  }

  /** The second backup was received as a snapshot of the first: sent incrementally. */
  private void assertIncremental(Dirs d, String first, String second) throws BtrfsException {
    Map<String, Subvolume> backups = list(d.backups());
    assertEquals(backups.get(first).uuid(), backups.get(second).parentUuid().orElseThrow(), second);
  }

  /** Runs a verb and returns how many connections sshd accepted for it. */
  private long connections(String config, String... args) throws IOException {
    long before = server.acceptedConnections();
    ok(config, args);
    return server.acceptedConnections() - before;
  }

  @Test
  void pushFullIncrementalAndPurgeOverOneConnectionPerRun() throws Exception {
    authorize();
    Dirs d = dirs(here, there, "-backups");
    String config = ssh() + pushToml(d, 100);

    ok(config, "--snapshot", "--pair", d.name());
    clock.advance(Duration.ofHours(1));
    ok(config, "--snapshot", "--pair", d.name());
    assertEquals(1, connections(config, "--backup", "--pair", d.name()), "two sends, one login");
    assertBackupsEqualSnapshots(d);
    assertIncremental(d, "2026-11-01T08:00:00", "2026-11-01T09:00:00");

    TestData.change(d.volume(), 7);
    clock.advance(Duration.ofHours(1));
    ok(config, "--snapshot", "--pair", d.name());
    InProcess.Run third = ok(config, "--backup", "--pair", d.name());
    assertTrue(
        third.out().contains("send    2026-11-01T10:00:00: incremental from 2026-11-01T09:00:00"),
        third.out());
    assertTrue(third.out().contains(" -> " + url(d.backups())), third.out());
    assertBackupsEqualSnapshots(d);
    assertIncremental(d, "2026-11-01T09:00:00", "2026-11-01T10:00:00");

    // Retention 1 on the target: the two older backups go, over ssh, in one command.
    InProcess.Run purge = ok(ssh() + pushToml(d, 1), "--purge", "--pair", d.name(), "-v");
    assertTrue(purge.out().contains("backups in " + url(d.backups())), purge.out());
    assertEquals(List.of("2026-11-01T10:00:00"), List.copyOf(list(d.backups()).keySet()));
    assertEquals(3, list(d.snaps()).size(), "the source keeps its snapshots");
    assertEquals(1, connections(config, "--status", "--pair", d.name()));
  }

  @Test
  void pullFullIncrementalAndPurgeOfTheRemoteSnapshots() throws Exception {
    authorize();
    Dirs d = dirs(there, here, "-pulled");
    String config = ssh() + pullToml(d, 1);

    assertEquals(1, connections(config, "--snapshot", "--pair", d.name()));
    assertEquals(1, list(d.snaps()).size(), "taken on the other machine");
    ok(config, "--backup", "--pair", d.name());
    assertBackupsEqualSnapshots(d);

    TestData.change(d.volume(), 8);
    clock.advance(Duration.ofHours(1));
    ok(config, "--snapshot", "--pair", d.name());
    InProcess.Run second = ok(config, "--backup", "--pair", d.name());
    assertTrue(
        second.out().contains("send    2026-11-01T09:00:00: incremental from 2026-11-01T08:00:00"),
        second.out());
    assertBackupsEqualSnapshots(d);
    assertIncremental(d, "2026-11-01T08:00:00", "2026-11-01T09:00:00");

    ok(config, "--purge", "--pair", d.name());
    assertEquals(List.of("2026-11-01T09:00:00"), List.copyOf(list(d.snaps()).keySet()));
    assertEquals(2, list(d.backups()).size(), "this machine keeps its backups");
  }

  @Test
  void theVerboseCommandLinesRunAsShownEvenForHostileNames() throws Exception {
    authorize();
    Dirs d = dirs(here, there, " back ups; $(touch /tmp/pwned) `id` \"q\" * \\ #");
    String config = ssh() + pushToml(d, 1);
    ok(config, "--snapshot", "--pair", d.name());
    ok(config, "--backup", "--pair", d.name());
    clock.advance(Duration.ofHours(1));
    ok(config, "--snapshot", "--pair", d.name());
    ok(config, "--backup", "--pair", d.name());
    assertBackupsEqualSnapshots(d);
    assertIncremental(d, "2026-11-01T08:00:00", "2026-11-01T09:00:00");

    InProcess.Run dry = ok(config, "--purge", "--pair", d.name(), "-v", "--dry-run");
    String shown =
        dry.out()
            .lines()
            .filter(l -> l.contains("$ ") && l.contains("'delete'"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(dry.out()))
            .split("\\$ ", 2)[1];
    // What -v shows, run by a shell as it is, does what the plan says. (Its master connection's
    // socket directory is the run's own, made for the run and removed after it: made again here.)
    java.util.regex.Matcher socket =
        java.util.regex.Pattern.compile("ControlPath=(\\S+)/%C").matcher(shown);
    assertTrue(socket.find(), shown);
    Files.createDirectories(Path.of(socket.group(1)));
    try {
      Commands.run("sh", "-c", shown);
    } finally {
      Commands.run("rm", "-rf", Path.of(socket.group(1)).getParent().toString());
    }
    assertEquals(List.of("2026-11-01T09:00:00"), List.copyOf(list(d.backups()).keySet()));
    assertFalse(Files.exists(Path.of("/tmp/pwned")), "nothing but the command ran");
  }

  @Test
  void anUnreachableHostFailsItsPairWithOpenSshsWordsAndTheOthersGoOn() throws Exception {
    authorize();
    Dirs down = dirs(here, there, "-backups");
    Dirs fine = dirs(here, there, "-backups");
    String config =
        ssh()
            + pushToml(down, 10)
                .replace("ssh://" + server.address(), "ssh://" + server.address() + ":2222")
            + "\n"
            + pushToml(fine, 10);
    ok(config, "--snapshot", "--all");
    InProcess.Run r = run(config, "--backup", "--all");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("pair " + down.name() + ": "), r.err());
    assertTrue(r.err().contains("Connection refused"), r.err());
    assertFalse(r.err().contains("pair " + fine.name() + ": "), r.err());
    assertEquals(1, list(fine.backups()).size());
    assertBackupsEqualSnapshots(fine);
    assertEquals(0, list(down.backups()).size());
  }

  @Test
  void aWrongOrUnknownHostKeyFailsThePairAndSaysWhatToDo() throws Exception {
    authorize();
    Dirs d = dirs(here, there, "-backups");
    Path other = server.newClientKey("impostor-host");
    Path changed = work.resolve("changed_known_hosts");
    Files.writeString(
        changed, server.address() + " " + Files.readString(Path.of(other + ".pub")).trim() + "\n");
    Path unknown = Files.writeString(work.resolve("empty_known_hosts"), "");
    ok(ssh() + pushToml(d, 10), "--snapshot", "--pair", d.name());

    InProcess.Run wrong = run(ssh(key, changed) + pushToml(d, 10), "--backup", "--pair", d.name());
    assertEquals(1, wrong.exit(), wrong.out() + wrong.err());
    assertTrue(wrong.err().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"), wrong.err());
    assertTrue(wrong.err().contains("Host key verification failed"), wrong.err());
    assertTrue(wrong.err().contains("what to do:"), wrong.err());
    assertTrue(wrong.err().contains("ssh-keygen -R " + server.address()), wrong.err());

    InProcess.Run none = run(ssh(key, unknown) + pushToml(d, 10), "--backup", "--pair", d.name());
    assertEquals(1, none.exit(), none.out() + none.err());
    assertTrue(none.err().contains("Host key verification failed"), none.err());
    assertTrue(none.err().contains("accept_new_host_keys = true"), none.err());
    assertEquals(0, list(d.backups()).size());

    // accept_new_host_keys: a host not yet known is added on first contact, a changed key is not.
    String acceptNew = "accept_new_host_keys = true\n";
    InProcess.Run changedAnyway =
        run(
            ssh(key, changed).replace("[ssh]\n", "[ssh]\n" + acceptNew) + pushToml(d, 10),
            "--backup",
            "--pair",
            d.name());
    assertEquals(1, changedAnyway.exit(), changedAnyway.out() + changedAnyway.err());
    assertTrue(changedAnyway.err().contains("REMOTE HOST IDENTIFICATION HAS CHANGED"));
    ok(
        ssh(key, unknown).replace("[ssh]\n", "[ssh]\n" + acceptNew) + pushToml(d, 10),
        "--backup",
        "--pair",
        d.name());
    assertBackupsEqualSnapshots(d);
    assertTrue(
        Files.readString(unknown).contains(Files.readString(server.knownHosts()).split(" ", -1)[2]),
        "the host's key was added");
  }

  /**
   * The restricted key's line: {@code filter} for {@code push}'s backups and {@code pull}'s host.
   */
  private static String restrictedKeyLine(Path filter, Dirs push, Dirs pull) throws IOException {
    return server.authorizedKeysLine(
        restrictedKey,
        SshServer.forcedCommand(
            List.of(
                filter.toString(),
                "--target-root",
                push.backups().toString(),
                "--source-root",
                pull.snaps().toString(),
                "--volume",
                pull.volume().toString())));
  }

  @Test
  void theRestrictedKeyDoesAFullPushAndPullCycle() throws Exception {
    Dirs push = dirs(here, there, " pushed; $(x)");
    Dirs pull = dirs(there, here, "-pulled");
    authorize(restrictedKeyLine(SshFilterTest.FILTER, push, pull));
    String config =
        ssh(restrictedKey, server.knownHosts()) + pushToml(push, 1) + "\n" + pullToml(pull, 1);
    for (int hour = 0; hour < 3; hour++) {
      TestData.change(push.volume(), hour);
      TestData.change(pull.volume(), hour + 10);
      ok(config, "--snapshot", "--all");
      ok(config, "--backup", "--all");
      assertBackupsEqualSnapshots(push);
      assertBackupsEqualSnapshots(pull);
      clock.advance(Duration.ofHours(1));
    }
    assertIncremental(push, "2026-11-01T09:00:00", "2026-11-01T10:00:00");
    assertIncremental(pull, "2026-11-01T09:00:00", "2026-11-01T10:00:00");
    ok(config, "--purge", "--all");
    assertEquals(List.of("2026-11-01T10:00:00"), List.copyOf(list(push.backups()).keySet()));
    assertEquals(List.of("2026-11-01T10:00:00"), List.copyOf(list(pull.snaps()).keySet()));
    assertNotEquals(0, list(pull.backups()).size());
  }

  /**
   * {@code [ssh]} for logging in as {@code user} (not root) with {@code key}, btrfs through sudo.
   */
  private static String sshWithSudo(Path key, String user) {
    return ssh(key, server.knownHosts())
        .replace("user = \"root\"", "user = " + TestConfigs.quote(user) + "\nsudo = true");
  }

  @Test
  void aUserThatIsNotRootRunsBtrfsThroughSudoAlsoWithTheRestrictedKey() throws Exception {
    SshSupport.assumeUsersAndSudo();
    Dirs push = dirs(here, there, " pushed by a user");
    Dirs pull = dirs(there, here, "-pulled-by-a-user");
    String user = server.addUser();
    server.letRunBtrfsThroughSudo(user);
    // The filter where the user can run it (a checkout may be in root's home).
    Path filter = server.dir().resolve("ssh-filter");
    Files.copy(SshFilterTest.FILTER, filter, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(
        filter, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    server.authorize(user, List.of(restrictedKeyLine(filter, push, pull)));
    String config = sshWithSudo(restrictedKey, user) + pushToml(push, 1) + "\n" + pullToml(pull, 1);
    long before = server.acceptedConnections();
    for (int hour = 0; hour < 2; hour++) {
      TestData.change(push.volume(), hour + 20);
      TestData.change(pull.volume(), hour + 30);
      ok(config, "--snapshot", "--all");
      InProcess.Run backup = ok(config, "--backup", "--all", "-v");
      assertTrue(backup.out().contains("'sudo' '-n' '--' 'btrfs' 'receive'"), backup.out());
      assertBackupsEqualSnapshots(push);
      assertBackupsEqualSnapshots(pull);
      clock.advance(Duration.ofHours(1));
    }
    assertIncremental(push, "2026-11-01T08:00:00", "2026-11-01T09:00:00");
    assertIncremental(pull, "2026-11-01T08:00:00", "2026-11-01T09:00:00");
    ok(config, "--purge", "--all");
    assertEquals(List.of("2026-11-01T09:00:00"), List.copyOf(list(push.backups()).keySet()));
    assertEquals(List.of("2026-11-01T09:00:00"), List.copyOf(list(pull.snaps()).keySet()));
    try (var log = Files.lines(server.log())) {
      assertEquals(
          server.acceptedConnections() - before,
          log.filter(l -> l.contains("Accepted publickey for " + user + " ")).count(),
          "every login was the user's, none root's");
    }
  }

  @Test
  void withoutASudoersLineThePairFailsSayingWhatToDoAndNothingIsReceived() throws Exception {
    SshSupport.assumeUsersAndSudo();
    Dirs d = dirs(here, there, "-no-sudoers");
    String user = server.addUser();
    server.authorize(user, List.of(server.authorizedKeysLine(key, "")));
    String config = sshWithSudo(key, user) + pushToml(d, 10);
    ok(config, "--snapshot", "--pair", d.name());
    InProcess.Run r = run(config, "--backup", "--pair", d.name());
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("sudo: a password is required"), r.err());
    assertTrue(
        r.err().contains(user + " ALL=(root) NOPASSWD: /usr/bin/btrfs` in /etc/sudoers.d"),
        r.err());
    assertEquals(0, list(d.backups()).size());
  }
}
