package backuptool.metrics;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A pair's snapshots and backups after a run: how many, and the time in the newest one's name. Each
 * value is empty when the run does not know it (a side it could not read, or did not list); the
 * metrics file then keeps the value an earlier run wrote.
 */
public record PairState(
    OptionalInt snapshots,
    OptionalInt backups,
    Optional<Instant> newestSnapshot,
    Optional<Instant> newestBackup) {

  /** Nothing known. */
  public static final PairState UNKNOWN =
      new PairState(OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());
}
