package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.Transfer;
import backuptool.exec.Executor;
import backuptool.exec.OperationResult;
import backuptool.plan.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private static final long MIB = 1L << 20;

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void bytesRateAndElapsed() {
    assertEquals(
        "  sending: 512 MiB, 256 MiB/s, 0:02",
        ProgressLine.text(512 * MIB, ms(2000), OptionalLong.empty()));
    assertEquals(
        "  sending: 1.5 GiB, 21.9 MiB/s, 1:10",
        ProgressLine.text(1536 * MIB, ms(70_000), OptionalLong.empty()));
    assertEquals(
        "  sending: 0 B, 0 B/s, 0:00", ProgressLine.text(0, ms(250), OptionalLong.empty()));
  }

  @Test
  void anExpectedTotalAddsTheShareAndTheTimeLeftAtTheAverageRate() {
    // 300 MiB of 1200 MiB in 3 s: 100 MiB/s, so 900 MiB take 9 s more.
    assertEquals(
        "  sending: 300 MiB of ~1.2 GiB (25%), 100 MiB/s, 0:03, ETA 0:09",
        ProgressLine.text(300 * MIB, ms(3000), OptionalLong.of(1200 * MIB)));
    assertEquals(
        "  sending: 10.0 GiB of ~40.0 GiB (25%), 10.0 MiB/s, 17:04, ETA 51:12",
        ProgressLine.text(10_240 * MIB, ms(1_024_000), OptionalLong.of(40_960 * MIB)));
    assertEquals(
        "  sending: 1.0 GiB of ~8.0 GiB (12%), 1.0 MiB/s, 17:04, ETA 1:59:28",
        ProgressLine.text(1024 * MIB, ms(1_024_000), OptionalLong.of(8192 * MIB)));
  }

  @Test
  void anEstimateThatWasTooLowIsDroppedRatherThanShownAsMoreThanAll() {
    assertEquals(
        "  sending: 1.1 GiB, 115 MiB/s, 0:10",
        ProgressLine.text(1150 * MIB, ms(10_000), OptionalLong.of(1024 * MIB)));
  }

  @Test
  void nothingEstimatedWithoutARate() {
    assertEquals(
        "  sending: 0 B of ~1.0 GiB (0%), 0 B/s, 0:00",
        ProgressLine.text(0, ms(300), OptionalLong.of(1024 * MIB)));
  }

  @Test
  void longTimesShowHours() {
    assertEquals("0:00", ProgressLine.clock(ms(999)));
    assertEquals("59:59", ProgressLine.clock(ms(3_599_999)));
    assertEquals("1:00:00", ProgressLine.clock(ms(3_600_000)));
    assertEquals("26:03:04", ProgressLine.clock(Duration.ofSeconds(26 * 3600 + 184)));
  }

  @Test
  void theWidestLineFitsEightyColumns() {
    String widest =
        ProgressLine.text(1023 * (1L << 40), Duration.ofHours(99), OptionalLong.of(Long.MAX_VALUE));
    assertTrue(widest.length() < 80, widest + ": " + widest.length());
  }

  /** Both outputs into one buffer, as on one screen, so that the order can be seen. */
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

  private final PrintStream terminal = new PrintStream(screen, true, StandardCharsets.UTF_8);
  private final Executor.Listener results = r -> terminal.println("  done    " + r.describe());
  private final ProgressLine line = new ProgressLine(terminal, results);

  private static final Step.Send SEND =
      new Step.Send(Path.of("/snaps/s1"), Optional.empty(), Path.of("/backups"), "new");

  private String screen() {
    return screen.toString(StandardCharsets.UTF_8);
  }

  @Test
  void redrawsInPlaceAtMostFourTimesASecondAndPadsOverALongerLine() {
    line.progress(SEND, 100 * MIB, ms(250), OptionalLong.of(1024 * MIB));
    line.progress(SEND, 150 * MIB, ms(400), OptionalLong.of(1024 * MIB)); // too soon: not drawn
    line.progress(SEND, 200 * MIB, ms(500), OptionalLong.empty());

    String first = "  sending: 100 MiB of ~1.0 GiB (9%), 400 MiB/s, 0:00, ETA 0:03";
    String second = "  sending: 200 MiB, 400 MiB/s, 0:00";
    assertEquals(
        "\r" + first + "\r" + second + " ".repeat(first.length() - second.length()), screen());
  }

  @Test
  void theLineIsErasedBeforeAResultIsPrinted() {
    line.progress(SEND, 100 * MIB, ms(250), OptionalLong.empty());
    String drawn = "  sending: 100 MiB, 400 MiB/s, 0:00";
    line.finished(
        new OperationResult(
            "root",
            SEND,
            OperationResult.Status.DONE,
            "",
            Optional.of(new Transfer(300 * MIB, ms(750)))));

    assertEquals(
        "\r"
            + drawn
            + "\r"
            + " ".repeat(drawn.length())
            + "\r"
            + "  done    send /snaps/s1 to /backups: sent 300 MiB in 0.8 s, 400 MiB/s\n",
        screen());
  }

  @Test
  void aResultWithNothingDrawnPrintsNothingElse() {
    line.finished(
        new OperationResult(
            "root", SEND, OperationResult.Status.FAILED, "no space", Optional.empty()));
    assertEquals("  done    send /snaps/s1 to /backups: no space\n", screen());
  }

  @Test
  void theNextSendIsDrawnAtOnce() {
    Step.Send next =
        new Step.Send(Path.of("/snaps/s2"), Optional.of(Path.of("/snaps/s1")), Path.of("/b"), "");
    line.progress(SEND, 100 * MIB, ms(250), OptionalLong.empty());
    line.finished(
        new OperationResult("root", SEND, OperationResult.Status.DONE, "", Optional.empty()));
    screen.reset();
    line.progress(next, 1 * MIB, ms(100), OptionalLong.empty());
    assertEquals("\r  sending: 1.0 MiB, 10.0 MiB/s, 0:00", screen());
  }
}
