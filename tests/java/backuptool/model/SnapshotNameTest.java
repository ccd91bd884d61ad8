package backuptool.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
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

  /** The pattern the parser used before it read names by hand: both must agree on every name. */
  private static final Pattern FORMER =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2}):(\\d{2}))?(?:-("
              + Suffix.CHARS
              + "+))?");

  @Test
  void acceptsExactlyTheNamesTheFormerPatternMatched() {
    List<String> bits =
        List.of("-", "T", ":", "0", "1", "3", "9", "x", ".", "_", "+", " ", "\u0660", "/", "\n");
    List<String> seeds =
        List.of("2026-11-22T09:05:07", "2026-11-22", "2026-11-22T09:05:07-pre", "2026-02-28-a.b");
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      for (int k = random.nextInt(3); k >= 0; k--) {
        int at = random.nextInt(b.length() + 1);
        if (random.nextBoolean() && at < b.length()) {
          b.setCharAt(at, bits.get(random.nextInt(bits.size())).charAt(0));
        } else {
          b.insert(at, bits.get(random.nextInt(bits.size())));
        }
      }
      String text = b.toString();
      Optional<SnapshotName> parsed = SnapshotName.parse(text);
      var m = FORMER.matcher(text);
      if (!m.matches()) {
        assertEquals(Optional.empty(), parsed, text);
        continue;
      }
      if (parsed.isEmpty()) {
        // Only a bad suffix or an impossible date or time is refused after a match.
        boolean badSuffix = m.group(7) != null && Suffix.problem(m.group(7)).isPresent();
        boolean badDate;
        try {
          LocalDateTime.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              m.group(4) == null ? 0 : Integer.parseInt(m.group(4)),
              m.group(5) == null ? 0 : Integer.parseInt(m.group(5)),
              m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
          badDate = false;
        } catch (java.time.DateTimeException e) {
          badDate = true;
        }
        assertTrue(badSuffix || badDate, text);
        continue;
      }
      SnapshotName n = parsed.get();
      assertEquals(text, n.text());
      assertEquals(Optional.ofNullable(m.group(7)), n.suffix(), text);
      assertEquals(m.group(4) == null, n.dateOnly(), text);
      assertEquals(Integer.parseInt(m.group(1)), n.time().getYear(), text);
      assertEquals(Integer.parseInt(m.group(3)), n.time().getDayOfMonth(), text);
      assertEquals(
          m.group(4) == null ? 0 : Integer.parseInt(m.group(6)), n.time().getSecond(), text);
    }
  }
}
