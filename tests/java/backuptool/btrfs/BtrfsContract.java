package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.PathInfo.Kind;
import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour of the {@link Btrfs} port, run against real btrfs and against {@link FakeBtrfs}, so
 * that the fake cannot drift from what scenario tests assume of it.
 */
abstract class BtrfsContract {
  private static final AtomicInteger TESTS = new AtomicInteger();

  /** The port under test: a fresh instance for every test. */
  abstract Btrfs btrfs();

  /** A directory on the "source" btrfs filesystem. */
  abstract Path sourceFs();

  /** A directory on the "target" btrfs filesystem. */
  abstract Path targetFs();

  /** A directory on a filesystem that is not btrfs. */
  abstract Path plainFs();

  abstract void createSubvolume(Path path) throws Exception;

  /** Writes a file into subvolume {@code volume}; the fake has no data and does nothing. */
  abstract void writeData(Path volume, String name, String content) throws Exception;

  /** Creates plain directory {@code dir} and its missing parents. */
  abstract void mkdir(Path dir) throws Exception;

  abstract void createFile(Path file) throws Exception;

  abstract void createSymlink(Path link, Path target) throws Exception;

  /** Makes {@code dir} unreadable by its mode (for anyone but root). */
  abstract void makeUnreadable(Path dir) throws Exception;

  /** What {@code btrfs subvolume snapshot VOLUME PATH} (writable, without -r) does. */
  abstract void writableSnapshot(Path volume, Path path) throws Exception;

  /** What {@code btrfs property set -f PATH ro false} does. */
  abstract void makeWritable(Path subvolume) throws Exception;

  /**
   * Lists {@code dir} as a process to which file modes apply. Real tests run as root, which reads
   * any directory, so they override this to list without that privilege.
   */
  void listWithPermissionChecks(Path dir) throws BtrfsException {
    btrfs().list(dir);
  }

  /** This test's own directories: src and tgt on the two btrfs, plain elsewhere. */
  Path src;

  Path vol;
  Path snaps;
  Path tgt;
  Path backups;
  Path plain;

  @BeforeEach
  void createTestDirectories() throws Exception {
    String test = "test-" + TESTS.incrementAndGet();
    src = sourceFs().resolve(test);
    vol = src.resolve("vol");
    snaps = src.resolve("snaps");
    tgt = targetFs().resolve(test);
    backups = tgt.resolve("backups");
    plain = plainFs().resolve(test);
    for (Path dir : List.of(src, snaps, tgt, backups, plain)) {
      mkdir(dir);
    }
    createSubvolume(vol);
    writeData(vol, "data", "first");
  }

  // ---------------------------------------------------------------- inspect

  @Test
  void inspectTellsEveryKindApart() throws Exception {
    createFile(snaps.resolve("file"));
    createSymlink(snaps.resolve("link"), vol);

    PathInfo volume = btrfs().inspect(vol);
    assertEquals(Kind.SUBVOLUME, volume.kind());
    assertEquals("btrfs", volume.fsType());
    assertEquals(Kind.DIRECTORY, btrfs().inspect(snaps).kind());
    assertEquals(Kind.OTHER, btrfs().inspect(snaps.resolve("file")).kind());
    assertEquals(Kind.SYMLINK, btrfs().inspect(snaps.resolve("link")).kind(), "not followed");
    assertEquals(
        new PathInfo(snaps.resolve("none"), Kind.MISSING, "", ""),
        btrfs().inspect(snaps.resolve("none")));
    PathInfo elsewhere = btrfs().inspect(plain);
    assertEquals(Kind.DIRECTORY, elsewhere.kind());
    assertFalse(elsewhere.onBtrfs());
    assertFalse(elsewhere.fsType().isEmpty());
  }

  @Test
  void aFilesystemHasOneIdentityThroughAllItsSubvolumes() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));

    String source = btrfs().inspect(vol).filesystem();
    assertFalse(source.isEmpty());
    assertEquals(source, btrfs().inspect(src).filesystem());
    assertEquals(source, btrfs().inspect(snaps).filesystem());
    assertEquals(source, btrfs().inspect(snaps.resolve("s1")).filesystem());
    assertNotEquals(source, btrfs().inspect(backups).filesystem());
    assertNotEquals(source, btrfs().inspect(plain).filesystem());
  }

  // ---------------------------------------------------------------- list and snapshot

  @Test
  void listShowsSubvolumesWithTheirIdentityAndEverythingElseByName() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    writeData(vol, "data", "second");
    btrfs().snapshot(vol, snaps.resolve("s2"));
    mkdir(snaps.resolve("dir"));
    createFile(snaps.resolve("note"));
    createSymlink(snaps.resolve("link"), vol);

    Listing top = btrfs().list(src);
    assertEquals(List.of("snaps"), top.directories());
    Subvolume live = only(top.subvolumes());
    assertEquals("vol", live.name());
    assertFalse(live.readOnly());
    assertEquals(Optional.empty(), live.receivedUuid());

    Listing listing = btrfs().list(snaps);
    assertEquals(snaps, listing.dir());
    assertEquals(List.of("s1", "s2"), names(listing));
    Subvolume s1 = listing.subvolumes().get(0);
    Subvolume s2 = listing.subvolumes().get(1);
    for (Subvolume s : List.of(s1, s2)) {
      assertTrue(s.readOnly());
      assertEquals(Optional.of(live.uuid()), s.parentUuid());
      assertEquals(Optional.empty(), s.receivedUuid());
    }
    assertNotEquals(s1.uuid(), s2.uuid());
    assertNotEquals(live.uuid(), s1.uuid());
    assertTrue(s1.generation() < s2.generation(), "generations follow creation");
    assertEquals(List.of("dir"), listing.directories());
    assertEquals(List.of("link", "note"), listing.others());
  }

  @Test
  void listFollowsASymlinkToADirectory() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    createSymlink(src.resolve("link"), snaps);

    assertEquals(btrfs().list(snaps).subvolumes(), btrfs().list(src.resolve("link")).subvolumes());
  }

  @Test
  void listRefusesWhatItCannotList() throws Exception {
    createFile(snaps.resolve("file"));
    mkdir(snaps.resolve("locked"));
    makeUnreadable(snaps.resolve("locked"));

    assertMessage("does not exist", () -> btrfs().list(snaps.resolve("none")));
    assertMessage("not a directory", () -> btrfs().list(snaps.resolve("file")));
    assertMessage("not btrfs", () -> btrfs().list(plain));
    assertMessage("permission denied", () -> listWithPermissionChecks(snaps.resolve("locked")));
  }

  @Test
  void snapshotOfAReceivedSubvolumeKeepsItsReceivedUuid() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    btrfs().snapshot(backups.resolve("s1"), tgt.resolve("copy"));

    Subvolume backup = only(btrfs().list(backups).subvolumes());
    Subvolume copy = only(btrfs().list(tgt).subvolumes());
    assertEquals(backup.receivedUuid(), copy.receivedUuid(), "so it matches the snapshot too");
    assertEquals(Optional.of(backup.uuid()), copy.parentUuid());
    assertTrue(copy.readOnly());
  }

  @Test
  void snapshotRefusals() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    mkdir(snaps.resolve("dir"));

    assertRefused(() -> btrfs().snapshot(snaps, snaps.resolve("of-a-directory")));
    assertRefused(() -> btrfs().snapshot(src.resolve("none"), snaps.resolve("of-nothing")));
    assertRefused(() -> btrfs().snapshot(vol, src.resolve("none").resolve("s2")));
    assertRefused(() -> btrfs().snapshot(vol, snaps.resolve("s1")));
    // btrfs alone would create dir/vol.
    assertRefused(() -> btrfs().snapshot(vol, snaps.resolve("dir")));
    assertRefused(() -> btrfs().snapshot(vol, backups.resolve("s2")));
    assertRefused(() -> btrfs().snapshot(vol, plain.resolve("s2")));
    assertEquals(Kind.MISSING, btrfs().inspect(plain.resolve("s2")).kind());
    // Inside a read-only snapshot.
    assertRefused(() -> btrfs().snapshot(vol, snaps.resolve("s1").resolve("s2")));
  }

  @Test
  void aWritableSnapshotOfAReceivedSubvolumeHasNoReceivedUuid() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    writableSnapshot(backups.resolve("s1"), tgt.resolve("live"));

    Subvolume live = btrfs().show(tgt.resolve("live"));
    assertFalse(live.readOnly());
    assertEquals(Optional.empty(), live.receivedUuid(), "so its snapshots are new data");
    assertEquals(Optional.of(btrfs().show(backups.resolve("s1")).uuid()), live.parentUuid());
  }

  // ---------------------------------------------------------------- show and uuidExists

  @Test
  void showTellsWhatTheListingTells() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));

    Subvolume listedVolume = only(btrfs().list(src).subvolumes());
    assertEquals(listedVolume, btrfs().show(vol));
    assertEquals(only(btrfs().list(snaps).subvolumes()), btrfs().show(snaps.resolve("s1")));
    assertMessage("not a subvolume", () -> btrfs().show(snaps));
    assertMessage("does not exist", () -> btrfs().show(snaps.resolve("none")));
  }

  @Test
  void uuidExistsKnowsEverySubvolumeOfTheFilesystemAndNoOther() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    String volume = btrfs().show(vol).uuid();
    String s1 = btrfs().show(snaps.resolve("s1")).uuid();
    String topLevel = btrfs().show(sourceFs()).uuid();

    assertTrue(btrfs().uuidExists(snaps, volume), "writable ones too");
    assertTrue(btrfs().uuidExists(snaps, s1));
    assertTrue(btrfs().uuidExists(snaps, topLevel), "the top level too");
    assertFalse(btrfs().uuidExists(backups, volume), "only on that filesystem");
    assertFalse(btrfs().uuidExists(snaps, "6a4c3f0e-0000-4000-8000-000000000000"));
    assertMessage("not btrfs", () -> btrfs().uuidExists(plain, volume));

    btrfs().delete(List.of(snaps.resolve("s1")));
    assertFalse(btrfs().uuidExists(snaps, s1), "a deleted subvolume is gone at once");
  }

  // ---------------------------------------------------------------- send

  @Test
  void fullThenIncrementalSend() throws Exception {
    Subvolume[] sent = twoSnapshots();
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    btrfs().send(snaps.resolve("s2"), Optional.of(snaps.resolve("s1")), backups);

    Listing listing = btrfs().list(backups);
    assertEquals(List.of("s1", "s2"), names(listing));
    Subvolume b1 = listing.subvolumes().get(0);
    Subvolume b2 = listing.subvolumes().get(1);
    assertEquals(Optional.of(sent[0].uuid()), b1.receivedUuid());
    assertEquals(Optional.of(sent[1].uuid()), b2.receivedUuid());
    assertTrue(b1.readOnly() && b2.readOnly());
    assertEquals(Optional.empty(), b1.parentUuid(), "a full send has no parent");
    assertEquals(Optional.of(b1.uuid()), b2.parentUuid(), "the incremental's parent chain");
    assertNotEquals(sent[0].uuid(), b1.uuid());
    assertTrue(b1.generation() < b2.generation());
  }

  /** What a watch was told, from whichever thread told it. */
  private static final class Reports implements TransferWatch {
    final List<Long> bytes = new ArrayList<>();
    final List<Duration> times = new ArrayList<>();
    final List<OptionalLong> totals = new ArrayList<>();

    @Override
    public synchronized void progress(long sent, Duration elapsed, OptionalLong expectedTotal) {
      bytes.add(sent);
      times.add(elapsed);
      totals.add(expectedTotal);
    }

    /**
     * Every report at most the whole and none going back, within the send's time, and at most one
     * per {@code SendMeter.INTERVAL} (250 ms) of it.
     */
    synchronized void assertConsistentWith(Transfer transfer) {
      assertTrue(transfer.bytes() > 0, "a send moves bytes: " + transfer);
      for (int i = 0; i < bytes.size(); i++) {
        assertTrue(bytes.get(i) <= transfer.bytes(), bytes + " of " + transfer);
        assertTrue(i == 0 || bytes.get(i) >= bytes.get(i - 1), "never back: " + bytes);
        assertTrue(times.get(i).compareTo(transfer.elapsed()) <= 0, times + " in " + transfer);
      }
      assertTrue(
          bytes.size() <= 1 + transfer.elapsed().toMillis() / 250,
          bytes.size() + " reports in " + transfer);
    }
  }

  @Test
  void aSendReportsItsSizeAndHowFarItGotAndOnlyAFullSendMayHaveAnExpectedTotal() throws Exception {
    twoSnapshots();
    Reports fullReports = new Reports();
    Reports incrementalReports = new Reports();

    Transfer full = btrfs().send(snaps.resolve("s1"), Optional.empty(), backups, fullReports);
    Transfer incremental =
        btrfs()
            .send(
                snaps.resolve("s2"), Optional.of(snaps.resolve("s1")), backups, incrementalReports);

    fullReports.assertConsistentWith(full);
    incrementalReports.assertConsistentWith(incremental);
    assertTrue(
        incrementalReports.totals.stream().allMatch(OptionalLong::isEmpty),
        "no estimate of an incremental stream: " + incrementalReports.totals);
  }

  @Test
  void btrfsRemembersACompletedReceiveEvenAfterTheBackupIsMadeWritable() throws Exception {
    twoSnapshots();
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    createSubvolume(backups.resolve("never-received"));
    assertTrue(btrfs().receiveCompleted(backups.resolve("s1")));
    assertFalse(btrfs().receiveCompleted(backups.resolve("never-received")));
    assertFalse(btrfs().receiveCompleted(snaps.resolve("s1")), "a snapshot was never received");

    makeWritable(backups.resolve("s1"));
    Subvolume writable =
        only(
            btrfs().list(backups).subvolumes().stream()
                .filter(s -> s.name().equals("s1"))
                .toList());
    assertFalse(writable.readOnly());
    assertEquals(
        Optional.empty(), writable.receivedUuid(), "it now looks like an incomplete receive");
    assertTrue(btrfs().receiveCompleted(backups.resolve("s1")), "but btrfs still knows better");
  }

  @Test
  void anIncrementalFindsItsParentAnywhereOnTheTargetFilesystem() throws Exception {
    twoSnapshots();
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    mkdir(tgt.resolve("elsewhere"));
    btrfs().send(snaps.resolve("s2"), Optional.of(snaps.resolve("s1")), tgt.resolve("elsewhere"));

    Subvolume b1 = only(btrfs().list(backups).subvolumes());
    assertEquals(
        Optional.of(b1.uuid()),
        only(btrfs().list(tgt.resolve("elsewhere")).subvolumes()).parentUuid());
  }

  @Test
  void aReceivedSubvolumeIsSentUnderTheUuidItWasReceivedAs() throws Exception {
    Subvolume[] sent = twoSnapshots();
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    mkdir(src.resolve("restore"));
    btrfs().send(backups.resolve("s1"), Optional.empty(), src.resolve("restore"));

    Subvolume restored = only(btrfs().list(src.resolve("restore")).subvolumes());
    assertEquals(Optional.of(sent[0].uuid()), restored.receivedUuid());
    assertTrue(restored.readOnly());
  }

  @Test
  void sendRefusals() throws Exception {
    twoSnapshots();
    mkdir(tgt.resolve("taken").resolve("s1"));

    assertRefused(() -> btrfs().send(vol, Optional.empty(), backups));
    assertRefused(() -> btrfs().send(snaps.resolve("none"), Optional.empty(), backups));
    assertRefused(() -> btrfs().send(snaps.resolve("s1"), Optional.empty(), tgt.resolve("none")));
    assertRefused(() -> btrfs().send(snaps.resolve("s1"), Optional.empty(), plain));
    assertEquals(Kind.MISSING, btrfs().inspect(plain.resolve("s1")).kind());
    assertRefused(() -> btrfs().send(snaps.resolve("s1"), Optional.empty(), tgt.resolve("taken")));
    // The parent must be read-only, and received on the target.
    assertRefused(() -> btrfs().send(snaps.resolve("s2"), Optional.of(vol), backups));
    assertRefused(
        () -> btrfs().send(snaps.resolve("s2"), Optional.of(snaps.resolve("s1")), backups));
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    assertRefused(() -> btrfs().send(snaps.resolve("s1"), Optional.empty(), backups));
    // Into a read-only backup.
    assertRefused(() -> btrfs().send(snaps.resolve("s2"), Optional.empty(), backups.resolve("s1")));
  }

  // ---------------------------------------------------------------- delete

  @Test
  void deleteRemovesSeveralAtOnce() throws Exception {
    twoSnapshots();
    btrfs().snapshot(vol, snaps.resolve("s3"));

    btrfs().delete(List.of(snaps.resolve("s1"), snaps.resolve("s3")));

    assertEquals(List.of("s2"), names(btrfs().list(snaps)));
  }

  @Test
  void deleteRefusalsChangeNothing() throws Exception {
    twoSnapshots();
    mkdir(snaps.resolve("dir"));
    createFile(snaps.resolve("file"));
    Path s1 = snaps.resolve("s1");

    assertRefused(() -> btrfs().delete(List.of(s1, snaps.resolve("none"))));
    assertRefused(() -> btrfs().delete(List.of(s1, snaps.resolve("dir"))));
    assertRefused(() -> btrfs().delete(List.of(s1, snaps.resolve("file"))));
    assertRefused(() -> btrfs().delete(List.of(s1, s1)));
    btrfs().delete(List.of());
    assertEquals(List.of("s1", "s2"), names(btrfs().list(snaps)));
  }

  // ---------------------------------------------------------------- read ahead

  @Test
  void whatIsReadAheadIsWhatListAndShowSayAndABadPathFailsOnlyItsOwnCall() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    btrfs().send(snaps.resolve("s1"), Optional.empty(), backups);
    Listing snapshots = btrfs().list(snaps);
    Listing received = btrfs().list(backups);
    Subvolume live = btrfs().show(vol);
    btrfs().snapshot(vol, src.resolve("scratch")); // a change: the port forgets what it listed
    btrfs().delete(List.of(src.resolve("scratch")));

    Path missing = snaps.resolve("none");
    btrfs().readAhead(List.of(snaps, backups, plain, missing), List.of(vol, missing, snaps));

    assertEquals(snapshots, btrfs().list(snaps));
    assertEquals(received, btrfs().list(backups));
    assertEquals(live, btrfs().show(vol));
    assertMessage("does not exist", () -> btrfs().list(missing));
    assertMessage("not btrfs", () -> btrfs().list(plain));
    assertMessage("does not exist", () -> btrfs().show(missing));
    assertMessage("not a subvolume", () -> btrfs().show(snaps));
  }

  @Test
  void whatWasReadAheadIsNotUsedAfterTheVolumeChanged() throws Exception {
    String before = btrfs().show(vol).uuid();
    btrfs().readAhead(List.of(src), List.of(vol));
    btrfs().delete(List.of(vol));
    createSubvolume(vol);

    assertNotEquals(before, btrfs().show(vol).uuid(), "a new subvolume, not the one read ahead");
    assertNotEquals(before, only(btrfs().list(src).subvolumes()).uuid());
  }

  // ---------------------------------------------------------------- helpers

  /** Snapshots s1 and s2 of vol, with changed data between them. */
  private Subvolume[] twoSnapshots() throws Exception {
    btrfs().snapshot(vol, snaps.resolve("s1"));
    writeData(vol, "data", "second");
    writeData(vol, "more", "added");
    btrfs().snapshot(vol, snaps.resolve("s2"));
    return btrfs().list(snaps).subvolumes().toArray(new Subvolume[0]);
  }

  /** The action throws a BtrfsException and leaves every listing of this test as it was. */
  private void assertRefused(Executable action) throws BtrfsException {
    List<Listing> before = state();
    BtrfsException e = assertThrows(BtrfsException.class, action);
    assertEquals(before, state(), "changed, though refused with: " + e.getMessage());
  }

  private List<Listing> state() throws BtrfsException {
    List<Listing> state = new ArrayList<>();
    for (Path dir : List.of(src, snaps, tgt, backups)) {
      state.add(btrfs().list(dir));
    }
    return state;
  }

  private static void assertMessage(String part, Executable action) {
    String message = assertThrows(BtrfsException.class, action).getMessage();
    assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
  }

  private static Subvolume only(List<Subvolume> subvolumes) {
    assertEquals(1, subvolumes.size(), () -> "not one subvolume: " + subvolumes);
    return subvolumes.get(0);
  }

  static List<String> names(Listing listing) {
    return listing.subvolumes().stream().map(Subvolume::name).toList();
  }
}
