package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.TestConfigs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.RealBtrfs;
import backuptool.model.Subvolume;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of transfers to and from another machine, with the tool as a separate process in the
 * client namespace of a real sshd (its ssh is the one on PATH): SIGKILL in the middle of a push
 * (the partial is on the server, the record of it here) and of a pull, the server's disk filling
 * up, and the link going down in the middle of a transfer. Each time the failing run says why, and
 * the next run removes what was left and sends again, leaving a backup equal to its snapshot.
 */
@Tag("btrfs")
class RemoteFaultsTest {
  /** Large enough that a transfer through ssh takes a good second. */
  private static final long BIG = 256L << 20;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path work;

  private static LoopBtrfs here;
  private static LoopBtrfs there;
  private static SshServer server;
  private static Path key;
  private static ToolProcess tool;
  private static int pairs;
  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    here = LoopBtrfs.create("wire-faults-here", 2048);
    there = LoopBtrfs.create("wire-faults-there", 2048);
    server = SshServer.start();
    key = server.newClientKey("admin");
    server.authorize(List.of(server.authorizedKeysLine(key, "")));
    tool = new ToolProcess(work.resolve("tool"));
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      if (tool != null) {
        tool.close();
      }
    } finally {
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        LoopBtrfs.closeAll(here, there);
      }
    }
  }

  /** A pair's places: a live volume with a big file, its snapshots beside it, its backups. */
  private record Dirs(String name, Path volume, Path snaps, Path backups) {}

  private static Dirs dirs(LoopBtrfs volumeFs, Path backupsIn) throws IOException {
    String name = "f" + ++pairs;
    Path volume = volumeFs.root().resolve(name + "-live");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, pairs);
    TestData.randomFile(volume.resolve("big.bin"), pairs, BIG);
    return new Dirs(
        name,
        volume,
        Files.createDirectories(volumeFs.root().resolve(name + "-snaps")),
        Files.createDirectories(backupsIn.resolve(name + "-backups")));
  }

  private static String url(Path path) {
    return "ssh://" + server.address() + path;
  }

  /** A configuration with the tool's own lock and state directories and [ssh] settings. */
  private static Path config(Dirs d, boolean push, int stallSeconds) throws IOException {
    Path file = work.resolve(d.name() + ".toml");
    Files.writeString(
        file,
        "[global]\nlock_dir = "
            + TestConfigs.quote(tool.lockDir().toString())
            + "\nstate_dir = "
            + TestConfigs.quote(work.resolve("state").toString())
            + "\n\n[ssh]\nidentity_file = "
            + TestConfigs.quote(key.toString())
            + "\nknown_hosts_file = "
            + TestConfigs.quote(server.knownHosts().toString())
            + "\nuser = \"root\"\nconnect_timeout = 5\nstall_timeout = "
            + stallSeconds
            + "\n\n"
            + TestConfigs.pair(
                d.name(),
                push ? d.volume().toString() : url(d.volume()),
                push ? d.snaps().toString() : url(d.snaps()),
                push ? url(d.backups()) : d.backups().toString(),
                100,
                1000,
                100,
                1000));
    return file;
  }

  private static ToolProcess.Running start(Path config, String... args) throws IOException {
    return tool.startIn(server.client(List.of()), config, args);
  }

  private static ToolProcess.Result ok(Path config, String... args) throws IOException {
    ToolProcess.Result r = start(config, args).await();
    assertEquals(0, r.exit(), r.transcript());
    return r;
  }

  /** Waits until {@code path} exists (a receive has created its subvolume). */
  private static void awaitExists(Path path, ToolProcess.Running run) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(path)) {
      assertTrue(run.isAlive(), "the run ended before " + path + " appeared");
      assertTrue(System.nanoTime() < deadline, path + " did not appear");
      ToolProcess.pause(5);
    }
  }

  private Subvolume only(Path dir) throws BtrfsException {
    List<Subvolume> subvolumes = btrfs.list(dir).subvolumes();
    assertEquals(1, subvolumes.size(), subvolumes::toString);
    return subvolumes.get(0);
  }

  /** The one backup is complete, received from its snapshot, and equal to it byte for byte. */
  private void assertBackedUp(Dirs d) throws IOException, BtrfsException {
    Subvolume snapshot = only(d.snaps());
    Subvolume backup = only(d.backups());
    assertTrue(backup.readOnly());
    assertEquals(snapshot.identity(), backup.receivedUuid().orElseThrow());
    assertEquals(
        TreeManifest.of(d.snaps().resolve(snapshot.name())),
        TreeManifest.of(d.backups().resolve(backup.name())));
  }

  /** What an interrupted receive leaves: writable, no received uuid. */
  private void assertPartial(Dirs d) throws BtrfsException {
    Subvolume partial = only(d.backups());
    assertFalse(partial.readOnly(), "a receive that was interrupted");
    assertEquals(java.util.Optional.empty(), partial.receivedUuid());
  }

  private static void assertNoTransferRunsFor(Dirs d) throws IOException {
    assertEquals(
        List.of(),
        ToolProcess.awaitNoProcessMentioning(d.backups().toString(), Duration.ofSeconds(20)),
        "a receive of the stopped run goes on");
    assertEquals(
        List.of(),
        ToolProcess.awaitNoProcessMentioning("btrfs send " + d.snaps(), Duration.ofSeconds(5)),
        "a send of the stopped run goes on");
  }

  private static long journalRecords() throws IOException {
    Path dir = work.resolve("state").resolve("receiving");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  /**
   * Starts a backup of {@code d}, SIGKILLs it once the receive of {@code name} has begun, and
   * checks that no transfer goes on and that a partial backup was left.
   */
  private void killMidTransfer(Path config, Dirs d, String name) throws Exception {
    ToolProcess.Running run = start(config, "--backup", "--pair", d.name());
    awaitExists(d.backups().resolve(name), run);
    ToolProcess.pause(200);
    run.signal("KILL");
    run.await();
    assertNoTransferRunsFor(d);
    assertPartial(d);
  }

  @Test
  void sigkillDuringAPushLeavesAPartialOnTheServerThatTheNextRunRemoves() throws Exception {
    Dirs d = dirs(here, there.root());
    Path config = config(d, true, 600);
    ok(config, "--snapshot", "--pair", d.name());
    String name = only(d.snaps()).name();

    killMidTransfer(config, d, name);
    assertEquals(1, journalRecords(), "the receive is recorded on this machine");

    ToolProcess.Result next = ok(config, "--backup", "--pair", d.name(), "-v");
    assertTrue(
        next.out().contains("remove  " + name + ": incomplete backup, left by an interrupted run"),
        next.transcript());
    // -v shows the command lines as they run, ssh's included.
    assertTrue(
        next.out().contains(" | ssh -F /dev/null -T -x -a -o BatchMode=yes"), next.transcript());
    assertBackedUp(d);
    assertEquals(0, journalRecords(), "nothing left recorded");
  }

  @Test
  void sigkillDuringAPullLeavesAPartialHereThatTheNextRunRemoves() throws Exception {
    Dirs d = dirs(there, here.root());
    Path config = config(d, false, 600);
    ok(config, "--snapshot", "--pair", d.name());
    String name = only(d.snaps()).name();

    killMidTransfer(config, d, name);

    ToolProcess.Result next = ok(config, "--backup", "--pair", d.name());
    assertTrue(
        next.out().contains("remove  " + name + ": incomplete backup, left by an interrupted run"),
        next.transcript());
    assertBackedUp(d);
  }

  @Test
  void theServersDiskFillingUpFailsThePairAndLeavesNothingThere() throws Exception {
    try (LoopBtrfs small = LoopBtrfs.create("wire-faults-small", 128, "--mixed")) {
      Dirs d = dirs(here, small.root());
      Path config = config(d, true, 600);
      ok(config, "--snapshot", "--pair", d.name());

      ToolProcess.Result r = start(config, "--backup", "--pair", d.name()).await();
      assertEquals(1, r.exit(), r.transcript());
      assertTrue(r.err().contains("No space left on device"), r.transcript());
      assertTrue(r.err().contains("removed the partial " + url(d.backups())), r.transcript());
      assertEquals(List.of(), btrfs.list(d.backups()).subvolumes());
      assertEquals(0, journalRecords());
    }
  }

  @Test
  void theLinkGoingDownEndsTheTransferWithinTheStallTimeoutAndTheNextRunRecovers()
      throws Exception {
    Dirs d = dirs(here, there.root());
    Path config = config(d, true, 3);
    ok(config, "--snapshot", "--pair", d.name());
    String name = only(d.snaps()).name();

    ToolProcess.Running run = start(config, "--backup", "--pair", d.name());
    awaitExists(d.backups().resolve(name), run);
    ToolProcess.Result r;
    try {
      server.linkDown();
      r = run.await(Duration.ofSeconds(60));
    } finally {
      server.linkUp();
    }
    assertEquals(1, r.exit(), r.transcript());
    assertTrue(r.err().contains("no data moved for 3 s (stall_timeout"), r.transcript());
    // The stall timeout, the clean-up's connect timeout, and the run's own time: well below the
    // keep-alives' minute, and never a limit on a transfer that moves.
    assertTrue(r.took().compareTo(Duration.ofSeconds(30)) < 0, r.transcript());
    System.out.printf(
        "remote faults test: link down mid-transfer, stall_timeout 3 s: the run ended after %d ms:"
            + " %s%n",
        r.took().toMillis(), r.err().strip());
    assertNoTransferRunsFor(d);

    ToolProcess.Result next = ok(config, "--backup", "--pair", d.name());
    assertTrue(next.out().contains("send    " + name), next.transcript());
    assertBackedUp(d);
    assertEquals(0, journalRecords());
  }
}
