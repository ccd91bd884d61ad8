package backuptool.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Snapshot's written-out equality is the record's: every component counts, and only they. */
class SnapshotTest {
  private static final Path DIR = Path.of("/snaps/pair");
  private static final SnapshotName NAME = SnapshotName.parse("2026-11-22T10:00:00").orElseThrow();
  private static final Subvolume SUB =
      new Subvolume("2026-11-22T10:00:00", "u1", Optional.of("p"), Optional.empty(), true, 7);

  @Test
  void equalComponentsAreEqualWithTheSameHash() {
    Snapshot a = new Snapshot(DIR, NAME, SUB);
    Snapshot b =
        new Snapshot(
            Path.of("/snaps/pair"),
            SnapshotName.parse("2026-11-22T10:00:00").orElseThrow(),
            new Subvolume(
                "2026-11-22T10:00:00", "u1", Optional.of("p"), Optional.empty(), true, 7));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(a, a);
  }

  @Test
  void eachComponentCounts() {
    Snapshot a = new Snapshot(DIR, NAME, SUB);
    List<Snapshot> others =
        List.of(
            new Snapshot(Path.of("/snaps/other"), NAME, SUB),
            new Snapshot(DIR, SnapshotName.parse("2026-11-22T10:00:01").orElseThrow(), SUB),
            new Snapshot(
                DIR,
                NAME,
                new Subvolume(
                    "2026-11-22T10:00:00", "u2", Optional.of("p"), Optional.empty(), true, 7)),
            new Snapshot(
                DIR,
                NAME,
                new Subvolume(
                    "2026-11-22T10:00:00", "u1", Optional.of("p"), Optional.empty(), true, 8)));
    for (Snapshot other : others) {
      assertNotEquals(a, other);
      assertNotEquals(other, a);
    }
    assertNotEquals(a, (Object) NAME);
    assertNotEquals(a, null);
  }
}
