package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fake's test-setup API; its btrfs behaviour is in {@link BtrfsContract}. */
class FakeBtrfsTest {
  private static final Path VOL = Path.of("/src/vol");
  private static final Path SNAPS = Path.of("/src/snaps");
  private static final Path BACKUPS = Path.of("/backup/root");

  private final FakeBtrfs fake =
      new FakeBtrfs()
          .mount(Path.of("/src"), "btrfs")
          .mount(Path.of("/backup"), "btrfs")
          .createSubvolume(VOL)
          .mkdirs(SNAPS)
          .mkdirs(BACKUPS);

  @Test
  void mutationsAreTheCommandLinesOfEveryAttempt() throws BtrfsException {
    fake.snapshot(VOL, SNAPS.resolve("a b"));
    assertThrows(BtrfsException.class, () -> fake.snapshot(VOL, SNAPS.resolve("a b")));
    fake.send(SNAPS.resolve("a b"), Optional.empty(), BACKUPS);
    fake.delete(List.of());
    fake.delete(List.of(SNAPS.resolve("a b")));

    assertEquals(
        List.of(
            "btrfs subvolume snapshot -r /src/vol '/src/snaps/a b'",
            "btrfs subvolume snapshot -r /src/vol '/src/snaps/a b'",
            "btrfs send '/src/snaps/a b' | btrfs receive /backup/root",
            "btrfs subvolume delete '/src/snaps/a b'"),
        fake.mutations());
  }

  @Test
  void failNextFailsTheNextMatchingCallOnceAndChangesNothing() throws BtrfsException {
    fake.failNext("receive", "ERROR: No space left on device");
    fake.snapshot(VOL, SNAPS.resolve("s1"));
    String before = fake.tree();

    BtrfsException e =
        assertThrows(
            BtrfsException.class, () -> fake.send(SNAPS.resolve("s1"), Optional.empty(), BACKUPS));

    assertEquals("ERROR: No space left on device", e.getMessage());
    assertEquals(before, fake.tree());
    fake.send(SNAPS.resolve("s1"), Optional.empty(), BACKUPS);
    assertTrue(fake.exists(BACKUPS.resolve("s1")));
  }

  @Test
  void treeDumpsEveryNodeSorted() throws BtrfsException {
    fake.snapshot(VOL, SNAPS.resolve("s1"));
    fake.send(SNAPS.resolve("s1"), Optional.empty(), BACKUPS);
    fake.addReceived(BACKUPS.resolve("old"), "11111111-2222-3333-4444-555555555555");
    fake.createFile(SNAPS.resolve("notes"));
    fake.makeUnreadable(SNAPS);

    assertEquals(
        """
        / directory [mount ext4 /dev/fake0]
        /backup subvolume uuid=00000000-0000-0000-0000-000000000002 rw gen=1 \
        [mount btrfs /dev/fake2]
        /backup/root directory
        /backup/root/old subvolume uuid=00000000-0000-0000-0000-000000000006 \
        received=11111111-2222-3333-4444-555555555555 ro gen=3
        /backup/root/s1 subvolume uuid=00000000-0000-0000-0000-000000000005 \
        received=00000000-0000-0000-0000-000000000004 ro gen=2
        /src subvolume uuid=00000000-0000-0000-0000-000000000001 rw gen=1 \
        [mount btrfs /dev/fake1]
        /src/snaps directory unreadable
        /src/snaps/notes file
        /src/snaps/s1 subvolume uuid=00000000-0000-0000-0000-000000000004 \
        parent=00000000-0000-0000-0000-000000000003 ro gen=3
        /src/vol subvolume uuid=00000000-0000-0000-0000-000000000003 rw gen=2
        """,
        fake.tree());
  }

  @Test
  void addedBackupsAndSnapshotsAreReadOnlyAndNotMutations() {
    fake.addReadOnlySnapshotOf(VOL, SNAPS.resolve("s1"));
    fake.addReceived(BACKUPS.resolve("s1"), fake.uuidOf(SNAPS.resolve("s1")));

    Subvolume backup = fake.subvolumeAt(BACKUPS.resolve("s1")).orElseThrow();
    assertEquals(Optional.of(fake.uuidOf(SNAPS.resolve("s1"))), backup.receivedUuid());
    assertTrue(backup.readOnly());
    assertEquals(Optional.empty(), fake.subvolumeAt(SNAPS));
    assertEquals(List.of(), fake.mutations());
  }

  @Test
  void anEmptyFakeCanHaveABtrfsRootFilesystem() {
    FakeBtrfs rooted =
        new FakeBtrfs().mount(Path.of("/"), "btrfs").mount(Path.of("/backup"), "btrfs");

    PathInfo root = rooted.inspect(Path.of("/"));
    assertEquals(PathInfo.Kind.SUBVOLUME, root.kind());
    assertNotEquals(root.filesystem(), rooted.inspect(Path.of("/backup")).filesystem());
    assertThrows(IllegalStateException.class, () -> rooted.mount(Path.of("/"), "ext4"));
  }

  @Test
  void setupThatMakesNoSenseIsAnIllegalState() {
    assertThrows(IllegalStateException.class, () -> fake.createSubvolume(Path.of("/src/no/vol")));
    assertThrows(IllegalStateException.class, () -> fake.createSubvolume(Path.of("/vol")));
    assertThrows(IllegalStateException.class, () -> fake.createFile(VOL));
    assertThrows(IllegalStateException.class, () -> fake.mount(Path.of("/src"), "btrfs"));
    assertThrows(IllegalStateException.class, () -> fake.uuidOf(SNAPS));
    assertThrows(
        IllegalStateException.class, () -> fake.addReadOnlySnapshotOf(SNAPS, SNAPS.resolve("x")));
    assertFalse(fake.exists(SNAPS.resolve("x")));
  }
}
