package backuptool.cli;

import backuptool.btrfs.Sizes;
import backuptool.exec.Executor;
import backuptool.exec.OperationResult;
import backuptool.plan.Step;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The progress of a running send for someone watching a terminal: one line on standard error,
 * redrawn in place ({@code \r}, then the text, padded with spaces over a longer earlier text), at
 * most once per {@link #REDRAW}, and erased before the result of any operation is told to the
 * listener it wraps (the result lines on standard output, on the same screen). Padding rather than
 * an escape sequence, so that it works on any terminal; the line stays well within 80 columns, as
 * {@code \r} only returns to the start of the last row of a wrapped line.
 */
final class ProgressLine implements Executor.Listener {
  static final Duration REDRAW = Duration.ofMillis(250);

  private final PrintStream err;
  private final Executor.Listener results;

  private Step.Send drawing;
  private Duration drawnAt;
  private int width;

  /** Draws on {@code err} and passes every result on to {@code results}. */
  ProgressLine(PrintStream err, Executor.Listener results) {
    this.err = err;
    this.results = results;
  }

  @Override
  public synchronized void progress(
      Step.Send send, long bytes, Duration elapsed, OptionalLong total) {
    if (send.equals(drawing) && elapsed.minus(drawnAt).compareTo(REDRAW) < 0) {
      return;
    }
    drawing = send;
    drawnAt = elapsed;
    String text = text(bytes, elapsed, total);
    err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
    err.flush();
    width = text.length();
  }

  @Override
  public synchronized void finished(OperationResult result) {
    if (width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      width = 0;
    }
    drawing = null;
    results.finished(result);
  }

  /**
   * The line's text, indented like the result lines:
   *
   * <pre>
   *   sending: 1.2 GiB, 394 MiB/s, 0:03
   *   sending: 1.2 GiB of ~2.0 GiB (60%), 394 MiB/s, 0:03, ETA 0:02
   * </pre>
   *
   * the second with an expected total not yet reached. The rate is the average since the start; the
   * time left is what remains at that rate, rounded up.
   */
  static String text(long bytes, Duration elapsed, OptionalLong total) {
    double seconds = elapsed.toNanos() / 1e9;
    double rate = seconds > 0 ? bytes / seconds : 0;
    StringBuilder line = new StringBuilder("  sending: ").append(Sizes.bytes(bytes));
    boolean estimated = total.isPresent() && total.getAsLong() > bytes;
    if (estimated) {
      line.append(" of ~")
          .append(Sizes.bytes(total.getAsLong()))
          .append(" (")
          .append(bytes * 100 / total.getAsLong())
          .append("%)");
    }
    line.append(", ").append(Sizes.bytes(Math.round(rate))).append("/s, ").append(clock(elapsed));
    if (estimated && rate > 0) {
      // Rounded up: "0:00" would say it is done while it is not.
      long left = (long) Math.ceil((total.getAsLong() - bytes) / rate);
      line.append(", ETA ").append(clock(Duration.ofSeconds(left)));
    }
    return line.toString();
  }

  /** "0:03", "12:34", "1:02:03": elapsed and remaining times, rounded down to the second. */
  static String clock(Duration d) {
    long s = d.toSeconds();
    return s < 3600
        ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
