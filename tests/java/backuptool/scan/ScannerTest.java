package backuptool.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.btrfs.Btrfs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.FakeBtrfs;
import backuptool.btrfs.Listing;
import backuptool.btrfs.PathInfo;
import backuptool.btrfs.Transfer;
import backuptool.btrfs.TransferWatch;
import backuptool.journal.MemoryReceiveJournal;
import backuptool.journal.ReceiveJournal;
import backuptool.model.Pair;
import backuptool.model.Retention;
import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScannerTest {
  private static final Path VOLUME = Path.of("/data/live");
  private static final Path SNAPS = Path.of("/data/snaps");
  private static final Path BACKUPS = Path.of("/backup/live");
  private static final Pair PAIR =
      new Pair("live", VOLUME, SNAPS, BACKUPS, new Retention(1, 1), new Retention(1, 1));

  private final FakeBtrfs fake =
      new FakeBtrfs()
          .mount(Path.of("/data"), "btrfs")
          .mount(Path.of("/backup"), "btrfs")
          .createSubvolume(VOLUME)
          .mkdirs(SNAPS)
          .mkdirs(BACKUPS);

  @Test
  void aFailedInspectIsReportedOnceByTheSideItHit() {
    Btrfs btrfs = new InspectFails(fake, SNAPS, "cannot inspect /data/snaps: Permission denied");

    PairScan scan = new Scanner(btrfs, new MemoryReceiveJournal(), Map.of()).scan(PAIR);

    assertEquals(List.of("cannot inspect /data/snaps: Permission denied"), scan.problems());
    assertEquals(Optional.empty(), scan.target().problem());
  }

  @Test
  void theJournalSaysWhichFilesAreItsOwn() {
    fake.createFile(BACKUPS.resolve("journal")).createFile(BACKUPS.resolve("notes"));
    ReceiveJournal journal =
        new ReceiveJournal() {
          @Override
          public Set<String> unfinished(Path targetDir) {
            return Set.of();
          }

          @Override
          public void started(Path targetDir, String name) {
            throw new UnsupportedOperationException("scanning only reads");
          }

          @Override
          public boolean isOwnFile(String name) {
            return name.equals("journal");
          }

          @Override
          public void finished(Path targetDir, String name) {
            throw new UnsupportedOperationException("scanning only reads");
          }
        };

    PairScan scan = new Scanner(fake, journal, Map.of()).scan(PAIR);

    assertEquals(
        List.of(new Ignored("notes", "not a directory", Ignored.Kind.OTHER)),
        scan.target().ignored());
  }

  @Test
  void aReceiveThatAnotherRunIsDoingNowIsNotALeftover() throws Exception {
    fake.createSubvolume(BACKUPS.resolve("2026-11-20T10:00:00")); // writable, not yet received
    MemoryReceiveJournal journal = new MemoryReceiveJournal();
    journal.started(BACKUPS, "2026-11-20T10:00:00");

    Ignored.Kind alone =
        new Scanner(fake, journal, Map.of()).scan(PAIR).target().ignored().get(0).kind();
    Ignored whileBusy =
        new Scanner(fake, journal, Map.of("live", "pid 42: backup-tool --backup --all"))
            .scan(PAIR)
            .target()
            .ignored()
            .get(0);

    assertEquals(Ignored.Kind.LEFT_BY_INTERRUPTED_RUN, alone);
    assertEquals(
        new Ignored(
            "2026-11-20T10:00:00",
            "being received now by the run that holds this pair's lock (pid 42: backup-tool"
                + " --backup --all): left alone",
            Ignored.Kind.INCOMPLETE),
        whileBusy);
  }

  /** The fake, except that inspecting one path fails. */
  private record InspectFails(FakeBtrfs fake, Path path, String message) implements Btrfs {
    @Override
    public PathInfo inspect(Path p) throws BtrfsException {
      if (p.equals(path)) {
        throw new BtrfsException(message);
      }
      return fake.inspect(p);
    }

    @Override
    public Listing list(Path dir) throws BtrfsException {
      return fake.list(dir);
    }

    @Override
    public Subvolume show(Path subvolume) throws BtrfsException {
      return fake.show(subvolume);
    }

    @Override
    public boolean uuidExists(Path p, String uuid) throws BtrfsException {
      return fake.uuidExists(p, uuid);
    }

    @Override
    public Optional<Path> unmountedMountPoint(Path p) {
      return fake.unmountedMountPoint(p);
    }

    @Override
    public boolean receiveCompleted(Path p) throws BtrfsException {
      return fake.receiveCompleted(p);
    }

    @Override
    public void snapshot(Path volume, Path destination) throws BtrfsException {
      fake.snapshot(volume, destination);
    }

    @Override
    public Transfer send(Path snapshot, Optional<Path> parent, Path targetDir, TransferWatch watch)
        throws BtrfsException {
      return fake.send(snapshot, parent, targetDir, watch);
    }

    @Override
    public void delete(List<Path> subvolumes) throws BtrfsException {
      fake.delete(subvolumes);
    }

    @Override
    public void abort() {
      fake.abort();
    }
  }
}
