package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.model.Subvolume;
import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.ListWithoutPrivilege;
import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.RealBtrfsSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("btrfs")
class RealBtrfsContractTest extends RealFilesystemsContract {
  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static LoopBtrfs plainFs;

  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void mountFilesystems() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    // The space checks that mount points are unescaped from /proc/self/mountinfo.
    source = LoopBtrfs.create("source fs", 512);
    target = LoopBtrfs.create("target");
    plainFs = LoopBtrfs.tmpfs("plain");
  }

  @AfterAll
  static void unmountFilesystems() throws IOException {
    LoopBtrfs.closeAll(source, target, plainFs);
  }

  @Override
  Btrfs btrfs() {
    return btrfs;
  }

  @Test
  void aReadAheadThatIsEndedLeavesNothingRunningAndIsNotUsed() throws Exception {
    btrfs.snapshot(vol, snaps.resolve("s1"));
    String before = btrfs.show(vol).uuid();
    btrfs.readAhead(List.of(snaps, backups), List.of(vol));
    btrfs.endReadAhead();
    long started = Processes.started();
    Thread.sleep(300);

    assertEquals(started, Processes.started(), "no read of it starts after");
    assertTrue(Processes.noneRunningBut(null), "none runs");
    Commands.run("btrfs", "subvolume", "delete", vol.toString()); // behind the port's back
    createSubvolume(vol);
    assertNotEquals(before, btrfs.show(vol).uuid(), "asked anew, not taken from the read ahead");
    assertEquals(List.of("s1"), names(btrfs.list(snaps)));
  }

  @Override
  Path sourceFs() {
    return source.root();
  }

  @Override
  Path targetFs() {
    return target.root();
  }

  @Override
  Path plainFs() {
    return plainFs.root();
  }

  @Override
  void listWithPermissionChecks(Path dir) throws BtrfsException {
    try {
      ListWithoutPrivilege.list(dir);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot list " + dir + " in a child JVM", e);
    }
  }

  // ---------------------------------------------------------------- real btrfs only

  @Test
  void backupsHoldTheSnapshotsDataByteForByte() throws Exception {
    byte[] big = new byte[3 << 20];
    new Random(1).nextBytes(big);
    Files.write(vol.resolve("big"), big);
    btrfs.snapshot(vol, snaps.resolve("s1"));
    big[12345] ^= 1;
    Files.write(vol.resolve("big"), big);
    Files.delete(vol.resolve("data"));
    btrfs.snapshot(vol, snaps.resolve("s2"));

    btrfs.send(snaps.resolve("s1"), Optional.empty(), backups);
    btrfs.send(snaps.resolve("s2"), Optional.of(snaps.resolve("s1")), backups);

    for (String snapshot : List.of("s1", "s2")) {
      Path original = snaps.resolve(snapshot);
      Path backup = backups.resolve(snapshot);
      assertEquals(fileNames(original), fileNames(backup));
      for (String name : fileNames(original)) {
        assertArrayEquals(
            Files.readAllBytes(original.resolve(name)), Files.readAllBytes(backup.resolve(name)));
      }
    }
  }

  @Test
  void aFullTargetLeavesNoPartialBackup() throws Exception {
    try (LoopBtrfs small = LoopBtrfs.create("small", 128)) {
      byte[] chunk = new byte[1 << 20];
      new Random(2).nextBytes(chunk);
      try (var out = Files.newOutputStream(vol.resolve("big"))) {
        for (int i = 0; i < 160; i++) {
          out.write(chunk);
        }
      }
      btrfs.snapshot(vol, snaps.resolve("s1"));

      BtrfsException e =
          assertThrows(
              BtrfsException.class,
              () -> btrfs.send(snaps.resolve("s1"), Optional.empty(), small.root()));

      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertTrue(e.getMessage().contains("removed the partial"), e.getMessage());
      assertEquals(List.of(), btrfs.list(small.root()).subvolumes());
    }
  }

  @Test
  void subvolumesSeenThroughAMountOfASubvolumeKeepTheirIdentity() throws Exception {
    // A snapshot inside vol, and a decoy at the same path relative to the top level, which plain
    // "btrfs subvolume list" on the vol mount would show under the same name.
    String unique = src.getFileName().toString();
    Files.createDirectories(vol.resolve(unique));
    btrfs.snapshot(vol, vol.resolve(unique).resolve("s1"));
    Files.createDirectories(source.root().resolve(unique));
    btrfs.snapshot(vol, source.root().resolve(unique).resolve("s1"));

    try (LoopBtrfs volMount = source.mountSubvolume(vol, "vol")) {
      Path viaMount = volMount.root().resolve(unique);
      // A fresh instance, so that it lists the filesystem through the vol mount.
      Listing seen = new RealBtrfs().list(viaMount);
      assertEquals(btrfs.list(vol.resolve(unique)).subvolumes(), seen.subvolumes());
      assertNotEquals(btrfs.list(source.root().resolve(unique)).subvolumes(), seen.subvolumes());
      assertEquals(btrfs.inspect(vol).filesystem(), btrfs.inspect(viaMount).filesystem());
      assertEquals(PathInfo.Kind.SUBVOLUME, btrfs.inspect(viaMount.resolve("s1")).kind());
    }
  }

  // Each entry of a listed directory is a subvolume only on the word of its own stat: the cases
  // below are where the filesystem's "btrfs subvolume list" alone would be wrong. It may be older
  // than the entry, a mount may cover the entry, and (issue 12 tried to save the stats) a name
  // with a newline anywhere on the filesystem can forge a whole line of that list.

  @Test
  void aPlainDirectoryInPlaceOfASnapshotListedBeforeIsNoSubvolume() throws Exception {
    btrfs.snapshot(vol, snaps.resolve("s1"));
    btrfs.snapshot(vol, snaps.resolve("s2"));
    assertEquals(List.of("s1", "s2"), names(btrfs.list(snaps)));
    // Behind this instance's back, so that its listing of the filesystem stays.
    Commands.run("btrfs", "subvolume", "delete", snaps.resolve("s1").toString());
    Files.createDirectory(snaps.resolve("s1"));

    Listing listing = btrfs.list(snaps);

    assertEquals(List.of("s2"), names(listing));
    assertEquals(List.of("s1"), listing.directories());
  }

  @Test
  void aNameWithANewlineCannotPoseAsASubvolume() throws Exception {
    btrfs.snapshot(vol, snaps.resolve("a"));
    Files.createDirectory(snaps.resolve("d"));
    // A read-only subvolume elsewhere on the filesystem whose path carries a whole forged line of
    // "btrfs subvolume list" output (its directories make the slashes), naming the plain
    // directory d as a read-only subvolume.
    Path forged =
        src.resolve(
                "x\nID 999 gen 9 cgen 9 top level 5 parent_uuid - received_uuid - uuid"
                    + " 00000000-0000-0000-0000-000000000000 path "
                    + source.root().relativize(src))
            .resolve(src.relativize(snaps.resolve("d")));
    Files.createDirectories(forged.getParent());
    btrfs.snapshot(vol, forged);

    Listing listing = btrfs.list(snaps);

    assertEquals(List.of("a"), names(listing));
    assertEquals(List.of("d"), listing.directories());
  }

  @Test
  void aNameWithANewlineCannotMakeAWritableSubvolumeLookLikeAReadOnlyBackup() throws Exception {
    // A writable subvolume where a backup would be, as an interrupted receive leaves it.
    Commands.run("btrfs", "subvolume", "create", snaps.resolve("w").toString());
    Subvolume real = btrfs.show(snaps.resolve("w"));
    // Elsewhere on the filesystem, a read-only subvolume whose name forges the read-only list's
    // line for w: read-only, received from a snapshot, with w's own uuid and generation.
    String forgedLine =
        "x\nID 999 gen 9 cgen "
            + real.generation()
            + " top level 5 parent_uuid - received_uuid 11111111-2222-3333-4444-555555555555"
            + " uuid "
            + real.uuid()
            + " path "
            + source.root().relativize(src);
    Path forger = src.resolve(forgedLine).resolve(src.relativize(snaps.resolve("w")));
    Files.createDirectories(forger.getParent());
    btrfs.snapshot(vol, forger);

    Subvolume seen = btrfs.list(snaps).subvolumes().get(0);

    assertEquals("w", seen.name());
    assertFalse(seen.readOnly(), seen.toString());
    assertEquals(Optional.empty(), seen.receivedUuid());
    assertEquals(real.uuid(), seen.uuid());
  }

  @Test
  void aMountOnAListedSnapshotIsNotItsContent() throws Exception {
    btrfs.snapshot(vol, snaps.resolve("s1"));
    btrfs.snapshot(vol, snaps.resolve("s2"));
    Path s2 = snaps.resolve("s2");
    // A subvolume's root, whose inode number is a subvolume root's too.
    Commands.run("mount", "--bind", vol.toString(), s2.toString());
    try {
      Listing listing = new RealBtrfs().list(snaps);

      assertEquals(List.of("s1"), names(listing));
      assertEquals(List.of("s2"), listing.directories());
    } finally {
      Commands.run("umount", s2.toString());
    }
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
