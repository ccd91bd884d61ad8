package backuptool.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.model.Retention;
import backuptool.model.Snapshot;
import backuptool.model.SnapshotName;
import backuptool.model.Subvolume;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Retention keeps exactly what its rules say, over many random sets of snapshots. */
class RetentionRulesTest {
  private static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 22, 12, 0);

  @Test
  void keepsExactlyTheNewestCountAndTheYoungAndDeletesTheRest() {
    Random random = new Random(20261122);
    for (int round = 0; round < 2000; round++) {
      List<Snapshot> snaps = randomSnapshots(random, random.nextInt(40));
      Retention policy = new Retention(random.nextInt(60), 1 + random.nextInt(12));
      List<Verdict> verdicts = RetentionRules.decide(snaps, policy, NOW);

      assertEquals(snaps.size(), verdicts.size(), "keep plus delete is everything");
      List<Snapshot> past = snaps.stream().filter(s -> !s.name().time().isAfter(NOW)).toList();
      for (int i = 0; i < snaps.size(); i++) {
        Snapshot s = snaps.get(i);
        Verdict v = verdicts.get(i);
        assertEquals(s, v.snapshot(), "verdicts are in the order given");
        boolean future = s.name().time().isAfter(NOW);
        boolean amongNewest = past.indexOf(s) >= past.size() - policy.count();
        boolean young = s.name().time().isAfter(NOW.minusDays(policy.days()));
        assertEquals(future || amongNewest || young, v.keep(), () -> policy + ": " + v);
        assertTrue(v.reason().length() > 10, "every verdict has a reason");
      }
      if (!snaps.isEmpty()) {
        assertTrue(verdicts.get(verdicts.size() - 1).keep(), "the newest is always kept");
      }
    }
  }

  @Test
  void reasonsSayWhatAndWhy() {
    List<Snapshot> snaps =
        List.of(
            snap("2026-10-08T12:00:00"), snap("2026-11-20T12:00:00"), snap("2026-11-21T12:00:00"));
    List<Verdict> v = RetentionRules.decide(snaps, new Retention(30, 1), NOW);
    assertEquals("45 days old, beyond 30 days and not among newest 1", v.get(0).reason());
    assertEquals("2 days old, within 30 days", v.get(1).reason());
    assertEquals("among newest 1", v.get(2).reason());
    assertEquals(
        "dated 3 hours in the future, kept (was the clock set back?)",
        RetentionRules.decide(
                List.of(snap("2026-11-22T15:00:00"), snap("2026-11-22T16:00:00")),
                new Retention(30, 1),
                NOW)
            .get(0)
            .reason());
  }

  @Test
  void agesShowTwoUnitsSoThatTheReasonIsVisiblyTrue() {
    List<Snapshot> snaps =
        List.of(
            snap("2026-10-23T07:00:00"),
            snap("2026-10-23T12:00:00"),
            snap("2026-10-23T13:00:00"),
            snap("2026-11-21T11:59:59"),
            snap("2026-11-22T11:00:00"));
    List<Verdict> v = RetentionRules.decide(snaps, new Retention(30, 1), NOW);
    assertEquals("30 days 5 hours old, beyond 30 days and not among newest 1", v.get(0).reason());
    assertEquals(
        "30 days old, not younger than 30 days and not among newest 1",
        v.get(1).reason(),
        "exactly at the limit");
    assertEquals("29 days 23 hours old, within 30 days", v.get(2).reason());
    assertEquals(
        "1 day 1 second old, within 30 days", v.get(3).reason(), "the two largest non-zero");
    assertEquals(
        "30 days old, not younger than 30 days and not among newest 1",
        RetentionRules.decide(
                List.of(snap("2026-10-23T12:00:00"), snap("2026-11-22T11:00:00")),
                new Retention(30, 1),
                NOW.plusNanos(500_000_000))
            .get(0)
            .reason(),
        "beyond by less than a second");
  }

  static List<Snapshot> randomSnapshots(Random random, int n) {
    List<Snapshot> snaps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LocalDateTime t =
          NOW.minusMinutes(random.nextInt(90 * 24 * 60)).plusDays(random.nextInt(20) == 0 ? 5 : 0);
      snaps.add(
          new Snapshot(
              Path.of("/s"),
              SnapshotName.of(t, Optional.of("n" + i)),
              new Subvolume("x", "u" + i, Optional.empty(), Optional.empty(), true, i)));
    }
    snaps.sort(Snapshot.ORDER);
    return snaps;
  }

  private static Snapshot snap(String name) {
    return new Snapshot(
        Path.of("/s"),
        SnapshotName.parse(name).orElseThrow(),
        new Subvolume(name, "u", Optional.empty(), Optional.empty(), true, 1));
  }
}
