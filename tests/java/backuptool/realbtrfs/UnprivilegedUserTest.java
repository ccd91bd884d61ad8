package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another local user ({@code nobody}, through runuser) against root runs of the tool, as separate
 * processes on loop-mounted btrfs: that user can neither steer a root run (planted lock directories
 * and links, a configuration it can change) nor block one (a shared lock on a pair's lock file),
 * and a run as that user says at once that it needs root. After each attempt, nothing outside the
 * pair changed and the pair itself only as a root run was asked to.
 */
@Tag("btrfs")
class UnprivilegedUserTest {
  private static final String USER = "nobody";
  private static final long BIG_FILE = 64L << 20;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Takes a shared fcntl lock on the file named by its first argument, through a read-only
   * descriptor, and holds it for the number of seconds in its second: what any user could do to a
   * world-readable lock file to block root's exclusive lock.
   */
  private static final String SHARE_LOCK =
      """
      import java.nio.channels.FileChannel;
      import java.nio.file.Path;
      import java.nio.file.StandardOpenOption;
      public class ShareLock {
        public static void main(String[] a) throws Exception {
          try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.READ)) {
            if (ch.tryLock(0, Long.MAX_VALUE, true) == null) {
              System.out.println("BUSY");
              return;
            }
            System.out.println("LOCKED");
            System.out.flush();
            Thread.sleep(Long.parseLong(a[1]) * 1000);
          } catch (java.io.IOException e) {
            System.out.println("REFUSED: " + e);
          }
        }
      }
      """;

  @TempDir static Path work;

  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static ToolProcess tool;

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("nobody-src", 1024);
    target = LoopBtrfs.create("nobody-tgt", 1024);
    tool = new ToolProcess(work.resolve("tool"));
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      if (tool != null) {
        tool.close();
      }
    } finally {
      LoopBtrfs.closeAll(source, target);
    }
  }

  /** A pair with a live volume, its snapshot directory and its target; returns its TOML. */
  private static String pair(String name) throws IOException {
    return PairDirs.create(source, target, name).toml();
  }

  private static Map<String, BackupLedger.Sub> snapshots(String pair) throws IOException {
    return BackupLedger.in(source.root(), source.root().resolve(pair + "-snaps"));
  }

  /** Runs {@code argv} as {@link #USER}; returns its exit code and output. */
  private static String asUser(int expectedExit, String... argv) throws IOException {
    String[] full = new String[argv.length + 4];
    System.arraycopy(new String[] {"runuser", "-u", USER, "--"}, 0, full, 0, 4);
    System.arraycopy(argv, 0, full, 4, argv.length);
    ProcessBuilder pb =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .directory(ReadableClassPath.dir().toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int exit = p.waitFor();
      assertEquals(expectedExit, exit, String.join(" ", full) + ":\n" + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  @Test
  void aLockDirectoryThatAnotherUserPlantedIsRefusedAndItsLinkNotFollowed() throws IOException {
    String toml = pair("planted");
    // The attack the issue found: /run/lock is writable by everyone and empty after a reboot.
    Path planted = Path.of("/run/lock/backup-tool-test-" + ProcessHandle.current().pid());
    Path victim = Files.writeString(work.resolve("victim"), "precious\n");
    try {
      asUser(0, "mkdir", planted.toString());
      asUser(0, "ln", "-s", victim.toString(), planted.resolve("planted.lock").toString());
      asUser(
          0, "ln", "-s", work.resolve("absent").toString(), planted.resolve("x.lock").toString());
      Path config = work.resolve("planted.toml");
      Files.writeString(
          config, "[global]\nlock_dir = " + TestConfigs.quote(planted.toString()) + "\n\n" + toml);
      for (String[] args :
          new String[][] {{"--snapshot", "--all"}, {"--backup", "--all", "--dry-run"}}) {
        ToolProcess.Result r = tool.run(config, args);
        assertEquals(2, r.exit(), r.transcript());
        assertTrue(
            r.err()
                .contains(
                    "cannot use the lock directory "
                        + planted
                        + ": "
                        + planted
                        + " is owned by nobody"),
            r.transcript());
      }
      assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
      assertFalse(Files.exists(work.resolve("absent")), "the dangling link created nothing");
      assertEquals(Map.of(), snapshots("planted"), "nothing was done");
    } finally {
      Commands.run("rm", "-rf", planted.toString());
    }
  }

  @Test
  void theDefaultLockDirectoryIsRootsAloneAndItsFilesPrivate() throws IOException {
    String toml = pair("default");
    Path config = work.resolve("default.toml");
    Files.writeString(config, toml); // no lock_dir: the default
    ToolProcess.Result r = tool.run(config, "--snapshot", "--pair", "default");
    assertEquals(0, r.exit(), r.transcript());
    Path dir = Path.of("/run/backup-tool");
    assertEquals(0, Files.getAttribute(dir, "unix:uid"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("default.lock"))));
    // Its parent is root's alone: no other user can make the directory first.
    String refused = asUser(1, "mkdir", "/run/backup-tool-test-" + ProcessHandle.current().pid());
    assertTrue(refused.contains("Permission denied"), refused);
  }

  @Test
  void anotherUserCannotHoldAPairsLockToBlockRootRuns() throws IOException {
    String toml = pair("block");
    Path config = tool.config("block.toml", toml);
    ToolProcess.Result first = tool.run(config, "--snapshot", "--pair", "block");
    assertEquals(0, first.exit(), first.transcript());
    Path lockFile = tool.lockDir().resolve("block.lock");
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockFile)));
    // Let the other user reach the file (directories searchable, not readable or writable), so
    // that only the file's own mode stands between it and the lock.
    for (Path dir : new Path[] {work, tool.lockDir().getParent(), tool.lockDir()}) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
    Path program = ReadableClassPath.dir().resolve("ShareLock.java");
    Files.writeString(program, SHARE_LOCK);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rw-r--r--"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String attempt = asUser(0, java, program.toString(), lockFile.toString(), "20");
    assertTrue(attempt.startsWith("REFUSED: java.nio.file.AccessDeniedException"), attempt);

    ToolProcess.pause(1100); // a new second, a new snapshot name
    ToolProcess.Result second = tool.run(config, "--snapshot", "--pair", "block");
    assertEquals(0, second.exit(), second.transcript());
    assertEquals(2, snapshots("block").size());
  }

  @Test
  void aConfigurationThatAnotherUserCanChangeIsRefused() throws IOException {
    String toml = pair("steer");
    Path shared = Path.of("/var/tmp/backup-tool-test-config-" + ProcessHandle.current().pid());
    try {
      // A file that the other user owns and anyone may write, in a root-owned directory.
      Files.createDirectories(shared);
      Path owned = shared.resolve("backup_config.toml");
      Files.writeString(owned, toml);
      Commands.run("chown", USER, owned.toString());
      Commands.run("chmod", "666", owned.toString());
      // A root-owned file in a directory that the other user made in /var/tmp (and could replace
      // the file in).
      Path theirs = Path.of(shared + "-theirs");
      asUser(0, "mkdir", theirs.toString());
      Path inTheirs = Files.writeString(theirs.resolve("backup_config.toml"), toml);
      for (Path config : new Path[] {owned, inTheirs}) {
        ToolProcess.Result r = tool.run(config, "--snapshot", "--all");
        assertEquals(2, r.exit(), r.transcript());
        assertTrue(r.err().contains("refusing the configuration file " + config), r.transcript());
        assertTrue(r.err().contains(" is owned by nobody"), r.transcript());
        assertEquals("", r.out(), r.transcript());
      }
      assertEquals(Map.of(), snapshots("steer"), "nothing was done");
    } finally {
      Commands.run("rm", "-rf", shared.toString(), shared + "-theirs");
    }
  }

  @Test
  void runAsAnotherUserItSaysFirstThatItNeedsRoot() throws IOException {
    String toml = pair("notroot");
    Path config = tool.config("notroot.toml", toml);
    for (String[] args :
        new String[][] {{"--snapshot", "--all"}, {"--purge", "--all", "--dry-run"}}) {
      ToolProcess.Result r = tool.startAs(USER, config, args).await();
      assertEquals(2, r.exit(), r.transcript());
      assertTrue(r.err().startsWith("backup-tool: needs root:"), r.transcript());
      assertEquals(1, r.err().lines().count(), r.transcript());
      assertEquals("", r.out(), r.transcript());
    }
    assertEquals(Map.of(), snapshots("notroot"), "nothing was done");
  }

  @Test
  void aLockHolderIsNamedOnlyAsFarAsItIsKnown() throws IOException {
    String toml = pair("holder");
    Path config = tool.config("holder.toml", toml);
    TestData.randomFile(source.root().resolve("holder-live/big.bin"), 3, BIG_FILE);
    ToolProcess.Result snap = tool.run(config, "--snapshot", "--pair", "holder");
    assertEquals(0, snap.exit(), snap.transcript());
    ToolProcess.Running first = tool.start(config, "--backup", "--pair", "holder");
    String receive = "btrfs receive " + target.root().resolve("holder-backups");
    if (!first.awaitChild(receive, START_TIMEOUT)) {
      fail("the transfer never started:\n" + first.await().transcript());
    }
    OptionalLong receiver = first.child(receive);
    Commands.run("kill", "-s", "STOP", Long.toString(receiver.orElseThrow()));
    Path lockFile = tool.lockDir().resolve("holder.lock");
    try {
      ToolProcess.Result named = tool.run(config, "--backup", "--pair", "holder");
      assertEquals(3, named.exit(), named.transcript());
      assertTrue(
          named
              .err()
              .contains(
                  "pair holder is busy: another run holds its lock (pid "
                      + first.pid()
                      + ": backup-tool --backup --pair holder, started "),
          named.transcript());
      // A record that is not true (a finished run's pid, or a reused one): only the pid that the
      // kernel shows holding the lock is named.
      Files.writeString(
          lockFile, "pid=1\nprocess_start=0\ncommand=--purge --all\nstarted=2020-01-01T00:00:00\n");
      ToolProcess.Result stale = tool.run(config, "--backup", "--pair", "holder");
      assertEquals(3, stale.exit(), stale.transcript());
      assertTrue(
          stale.err().contains("another run holds its lock (pid " + first.pid() + "); skipped"),
          stale.transcript());
      assertFalse(stale.err().contains("--purge"), stale.transcript());
    } finally {
      Commands.run("kill", "-s", "CONT", Long.toString(receiver.orElseThrow()));
    }
    ToolProcess.Result done = first.await();
    assertEquals(0, done.exit(), done.transcript());
  }
}
