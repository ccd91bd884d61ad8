package backuptool.btrfs;

import java.time.Duration;
import java.util.Locale;

/**
 * What one send moved: the stream's size in bytes, as the kernel counted what {@code btrfs send}
 * wrote, and how long the whole send and receive took.
 */
public record Transfer(long bytes, Duration elapsed) {
  public Transfer {
    if (bytes < 0 || elapsed.isNegative()) {
      throw new IllegalArgumentException("invalid transfer: " + bytes + " bytes in " + elapsed);
    }
  }

  /** "sent 1.0 GiB in 2.6 s, 394 MiB/s"; the rate only when the time is long enough to tell. */
  public String summary() {
    double seconds = elapsed.toMillis() / 1000.0;
    String rate = seconds < 0.05 ? "" : ", " + Sizes.bytes(Math.round(bytes / seconds)) + "/s";
    return "sent "
        + Sizes.bytes(bytes)
        + " in "
        + String.format(Locale.ROOT, "%.1f s", seconds)
        + rate;
  }
}
