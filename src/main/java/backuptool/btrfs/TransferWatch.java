package backuptool.btrfs;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Told, from another thread, how far a running send has got: the bytes {@code btrfs send} has
 * written so far, and the expected total when one could be had cheaply.
 */
@FunctionalInterface
public interface TransferWatch {
  /** Ignores every report. */
  TransferWatch NONE = (bytes, elapsed, total) -> {};

  void progress(long bytes, Duration elapsed, OptionalLong expectedTotal);
}
