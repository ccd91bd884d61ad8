package backuptool.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotNameTest {

  @Test
  void formatsAndParsesBack() {
    SnapshotName name =
        SnapshotName.of(LocalDateTime.of(2026, 11, 22, 9, 5, 7, 123), Optional.of("pre-upgrade"));
    assertEquals("2026-11-22T09:05:07-pre-upgrade", name.text());
    assertEquals(Optional.of(name), SnapshotName.parse(name.text()));
  }

  @Test
  void olderDateOnlyNamesCountAsMidnight() {
    SnapshotName name = SnapshotName.parse("2026-11-20-before-update").orElseThrow();
    assertEquals(LocalDateTime.of(2026, 11, 20, 0, 0), name.time());
    assertEquals(Optional.of("before-update"), name.suffix());
    assertTrue(name.dateOnly());
  }

  @Test
  void rejectsWhatIsNotASnapshotName() {
    for (String text :
        List.of(
            "",
            "snapshot",
            "2026-02-30T10:00:00",
            "2026-11-22T25:00:00",
            "2026-11-22T10:00",
            "2026-11-22T10:00:00-",
            "2026-11-22T10:00:00-a b",
            "2026-11-22-..",
            "2026-11-22-" + "x".repeat(65),
            "26-11-22")) {
      assertEquals(Optional.empty(), SnapshotName.parse(text), text);
    }
  }

  @Test
  void tiesAreOrderedByTheWholeName() {
    List<SnapshotName> names = new ArrayList<>();
    for (String text :
        List.of(
            "2026-11-20T00:00:00-b",
            "2026-11-20",
            "2026-11-20T00:00:00",
            "2026-11-20T00:00:00-a")) {
      names.add(SnapshotName.parse(text).orElseThrow());
    }
    names.sort(SnapshotName.ORDER);
    assertEquals(
        "[2026-11-20, 2026-11-20T00:00:00, 2026-11-20T00:00:00-a, 2026-11-20T00:00:00-b]",
        names.toString());
  }

  @Test
  void suffixRules() {
    assertEquals(Optional.empty(), Suffix.problem("pre-upgrade_1.2+x"));
    for (String bad : List.of("", ".", "..", "a/b", "a b", "$(x)", "é", "x".repeat(65), "a\nb")) {
      assertTrue(Suffix.problem(bad).isPresent(), bad);
    }
  }
}
