package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private static List<String> fileNames(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }
}
