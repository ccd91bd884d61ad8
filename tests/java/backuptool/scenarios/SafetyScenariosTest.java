package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/** What the tool does when runs meet, runs are interrupted, disks go away or clocks go back. */
class SafetyScenariosTest {
  @TempDir Path tmp;

  @Test
  @SuppressWarnings("try") // the try holds the lock for the runs; its body never names it
  void aBusyPairIsSkippedWhileTheOthersRunExit3AndADryRunStillPlans() throws IOException {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    Path lockFile = Files.createDirectories(tmp.resolve("locks")).resolve("root.lock");
    try (FileChannel other =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      // What a run records; the kernel shows this JVM holding the lock, so it names this pid.
      ProcessHandle self = ProcessHandle.current();
      String pid = Long.toString(self.pid());
      other.write(
          ByteBuffer.wrap(
              ("pid="
                      + pid
                      + "\nprocess_start="
                      + self.info().startInstant().orElseThrow().toEpochMilli()
                      + "\ncommand=--backup --all\nstarted=2026-11-22T11:59:00\n")
                  .getBytes(StandardCharsets.UTF_8)));
      String locked = s.run("--backup", "--all").replace("pid " + pid, "pid <pid>");
      assertEquals(3, s.lastExit);
      String home = s.run("--backup", "--pair", "home");
      assertEquals(0, s.lastExit);
      String dry = s.run("--backup", "--all", "--dry-run");
      assertEquals(0, s.lastExit);
      Approvals.verify(locked + "\n" + home + "\n" + dry);
    }
  }

  @Test
  void anIncompleteBackupLeftByAnInterruptedRunIsRemovedAndSentAgain() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    s.snapshot("root", "2026-11-21T10:00:00");
    // What a run killed in the middle of the second send leaves behind.
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-21T10:00:00");
    Approvals.verify(
        s.run("--backup", "--pair", "root", "-v") + "\n" + s.run("--backup", "--pair", "root"));
  }

  @Test
  void aReceiveKilledBeforeItsBackupWasMadeReadOnlyIsRemovedAndSentAgain() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .backedUp("root", "2026-11-21T10:00:00");
    // Killed between btrfs setting the received uuid and making the subvolume read-only.
    s.btrfs.makeUnsealed(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-21T10:00:00");
    String status = s.run("--status", "--pair", "root");
    String backup = s.run("--backup", "--pair", "root");
    Approvals.verify(status + "\n" + backup + "\n" + s.run("--backup", "--pair", "root"));
  }

  @Test
  void aReceiveKilledBeforeItsBackupWasMadeReadOnlyIsKeptWhenItsSnapshotIsGone() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .backedUp("root", "2026-11-21T10:00:00")
            .deleted(Scenario.ROOT_SNAPS.resolve("2026-11-21T10:00:00"));
    s.btrfs.makeUnsealed(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-21T10:00:00");
    Approvals.verify(
        s.run("--backup", "--pair", "root") + "\n" + s.run("--purge", "--pair", "root"));
  }

  @Test
  void aBackupMadeWritableByHandIsNeverTakenForALeftoverEvenWithAStaleRecord() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    // A run killed after its receive finished but before it noted so; later someone made the
    // backup writable to restore from it. It looks incomplete, but btrfs knows it was received.
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-20T10:00:00");
    s.btrfs.makeWritable(Scenario.ROOT_BACKUPS.resolve("2026-11-20T10:00:00"));
    Approvals.verify(
        s.run("--backup", "--pair", "root") + "\n" + s.run("--purge", "--pair", "root"));
  }

  @Test
  void theNextSendForgetsTheRecordsOfReceivesThatDidFinish() throws IOException {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    // A run killed after its receive finished, before it noted so; and one killed before its
    // receive created anything. Neither record is of an incomplete backup.
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-20T10:00:00");
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-19T10:00:00");
    // An incomplete receive that a killed run left: its record must stay until it is removed.
    s.btrfs.createSubvolume(Scenario.HOME_BACKUPS.resolve("2026-11-20T10:00:00"));
    s.journal.started(Scenario.HOME_BACKUPS, "2026-11-20T10:00:00");
    s.snapshot("root", "2026-11-21T10:00:00");

    s.run("--backup", "--pair", "root");

    assertEquals(0, s.lastExit);
    assertEquals(Set.of(), s.journal.unfinished(Scenario.ROOT_BACKUPS));
    assertEquals(Set.of("2026-11-20T10:00:00"), s.journal.unfinished(Scenario.HOME_BACKUPS));
  }

  @Test
  void purgeAlsoRemovesWhatAnInterruptedRunLeftAndNothingElse() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .backedUp("root", "2026-11-20T10:00:00");
    s.snapshot("root", "2026-11-21T10:00:00").snapshot("root", "2026-11-22T10:00:00");
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-21T10:00:00"));
    s.journal.started(Scenario.ROOT_BACKUPS, "2026-11-21T10:00:00");
    s.btrfs.createSubvolume(Scenario.ROOT_BACKUPS.resolve("2026-11-22T10:00:00")); // not ours
    Approvals.verify(s.run("--purge", "--pair", "root"));
  }

  @Test
  void sigtermDuringASendStopsItRemovesThePartialAndRunsNothingMore() {
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("root", "2026-11-21T10:00:00")
            .snapshot("home", "2026-11-21T10:00:00");
    s.btrfs.onNext(
        "send /btrfs/snapshots/root/2026-11-20T10:00:00",
        () -> s.interruption.deliver(new Signal("TERM")));
    String transcript = s.run("--backup", "--all");
    assertEquals(143, s.lastExit);
    assertEquals(
        java.util.Set.of(),
        s.journal.unfinished(Scenario.ROOT_BACKUPS),
        "nothing is left recorded");
    Approvals.verify(transcript);
  }

  @Test
  void theEmptyMountPointOfAnUnpluggedDiskIsRefused() {
    Scenario s = Scenario.bare(tmp);
    s.btrfs.mkdirs(Scenario.ROOT_SNAPS).mkdirs(Path.of("/media/backup-disk/root"));
    s.snapshot("root", "2026-11-21T10:00:00");
    s.config(
        Scenario.pairToml(
            "root", "/", Scenario.ROOT_SNAPS, Path.of("/media/backup-disk/root"), 10, 30, 20, 90));
    Approvals.verify(s.run("--backup", "--all") + "\n" + s.run("--purge", "--all"));
  }

  @Test
  void aBackupDiskListedInFstabButNotMountedIsRefusedWhereverItsMountPointIs() {
    // Snapshots on their own filesystem; the backup disk's empty mount point is on the root
    // filesystem, a third one, so only /etc/fstab tells that something should be mounted there.
    Scenario s = Scenario.bare(tmp);
    s.btrfs
        .mount(Path.of("/data"), "btrfs")
        .createSubvolume(Path.of("/data/vol"))
        .mkdirs(Path.of("/data/snaps"));
    s.btrfs.mkdirs(Path.of("/mnt/usb")).inFstab(Path.of("/mnt/usb"));
    s.config(
        Scenario.pairToml(
            "data", "/data/vol", Path.of("/data/snaps"), Path.of("/mnt/usb"), 10, 30, 20, 90));
    s.run("--snapshot", "--all");
    Approvals.verify(s.run("--backup", "--all") + "\n" + s.run("--purge", "--all"));
  }

  @Test
  void whenTheClockWentBackBothSidesFollowTheNames() {
    // Daylight saving ended at 02:00: the snapshot named 01:15 was taken after the one named 01:45.
    // Both sides and both retention rules order by name, so "newest" is the same snapshot on each
    // side and its backup is the common parent's; sending 01:45 incrementally from 01:15 is as
    // good as the other way round.
    Scenario s =
        Scenario.standard(tmp)
            .snapshot("root", "2026-10-25T01:45:00")
            .snapshot("root", "2026-10-25T01:15:00");
    s.config(Scenario.config(1, 0, 2, 0));
    Approvals.verify(
        s.run("--backup", "--pair", "root") + "\n" + s.run("--purge", "--pair", "root"));
  }
}
