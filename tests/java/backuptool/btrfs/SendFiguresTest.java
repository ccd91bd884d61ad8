package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.realbtrfs.TestData;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The figures of real sends: the bytes a send reports are exactly those of {@code btrfs send ... |
 * wc -c} of the same snapshot, for a long full send that the watch reports on (and writes while it
 * runs, as the progress line does), an ordinary incremental, and tiny incrementals that end between
 * two reads of the send's count; and the estimate of a full send's size comes from quotas.
 */
@Tag("btrfs")
class SendFiguresTest {
  private static LoopBtrfs source;
  private static LoopBtrfs target;

  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void mountFilesystems() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("progress-source", 1024);
    target = LoopBtrfs.create("progress-target", 1024);
  }

  @AfterAll
  static void unmountFilesystems() throws IOException {
    LoopBtrfs.closeAll(source, target);
  }

  /** A watch that records each report and, like the progress line, writes to a file each time. */
  private static final class WritingWatch implements TransferWatch, AutoCloseable {
    final List<Long> bytes = new ArrayList<>();
    final List<Duration> times = new ArrayList<>();
    private final OutputStream out;

    WritingWatch() throws IOException {
      out = new FileOutputStream("/dev/null");
    }

    @Override
    public synchronized void progress(long sent, Duration elapsed, OptionalLong expectedTotal) {
      bytes.add(sent);
      times.add(elapsed);
      try {
        out.write(("\r  sending " + sent + " bytes").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  @Test
  void sentBytesAreExactlyTheStreamsSize() throws Exception {
    Path dir = Files.createDirectories(source.root().resolve("exact"));
    Path backups = Files.createDirectories(target.root().resolve("exact"));
    Path vol = dir.resolve("vol");
    Commands.run("btrfs", "subvolume", "create", vol.toString());
    TestData.fill(vol, 7);
    TestData.randomFile(vol.resolve("random.bin"), 7, 300L << 20);
    Path s1 = snapshot(vol, dir, "s1");

    try (WritingWatch watch = new WritingWatch()) {
      Transfer full = btrfs.send(s1, Optional.empty(), backups, watch);

      assertEquals(streamSize(s1, Optional.empty()), full.bytes(), "full send");
      assertTrue(
          watch.bytes.size() >= 2, "a long send is reported on while it runs: " + watch.bytes);
      for (int i = 0; i < watch.bytes.size(); i++) {
        assertTrue(watch.bytes.get(i) <= full.bytes(), "never above the total: " + watch.bytes);
        assertTrue(i == 0 || watch.bytes.get(i) >= watch.bytes.get(i - 1), "" + watch.bytes);
        assertTrue(watch.times.get(i).compareTo(full.elapsed()) <= 0, "" + watch.times);
      }
    }

    TestData.change(vol, 8);
    Path previous = snapshot(vol, dir, "s2");
    Transfer incremental = btrfs.send(previous, Optional.of(s1), backups);
    assertEquals(streamSize(previous, Optional.of(s1)), incremental.bytes(), "incremental send");

    // Tiny incrementals take milliseconds: their count can only come from the end (see SendMeter).
    for (int i = 3; i <= 12; i++) {
      if (i % 2 == 0) {
        Files.writeString(vol.resolve("tiny-" + i), "x");
      }
      Path next = snapshot(vol, dir, "s" + i);
      Transfer tiny = btrfs.send(next, Optional.of(previous), backups);
      assertEquals(streamSize(next, Optional.of(previous)), tiny.bytes(), "tiny send " + next);
      previous = next;
    }
  }

  @Test
  void aFullSendsEstimateComesFromQuotasWhenTheyAreEnabled() throws Exception {
    Path dir = Files.createDirectories(source.root().resolve("estimate"));
    Path vol = dir.resolve("vol");
    Commands.run("btrfs", "subvolume", "create", vol.toString());
    TestData.randomFile(vol.resolve("random.bin"), 9, 40L << 20);
    Path s1 = snapshot(vol, dir, "s1");

    try (LoopBtrfs withQuotas = LoopBtrfs.create("progress-quotas", 256)) {
      assertEquals(OptionalLong.empty(), StreamEstimate.fullSend(s1), "no quotas, no estimate");

      Commands.run("btrfs", "quota", "enable", withQuotas.root().toString());
      Path qvol = withQuotas.root().resolve("vol");
      Commands.run("btrfs", "subvolume", "create", qvol.toString());
      TestData.randomFile(qvol.resolve("random.bin"), 9, 40L << 20);
      Path qs1 = snapshot(qvol, withQuotas.root(), "s1");
      Commands.run("btrfs", "quota", "rescan", "-w", withQuotas.root().toString());

      OptionalLong estimate = StreamEstimate.fullSend(qs1);
      long actual = streamSize(qs1, Optional.empty());
      assertTrue(estimate.isPresent(), "quotas give an estimate");
      assertTrue(
          Math.abs(estimate.getAsLong() - actual) < actual / 100,
          "within 1% of the stream for incompressible data: " + estimate + " vs " + actual);
    }
  }

  private static Path snapshot(Path vol, Path dir, String name) throws IOException {
    Path snapshot = dir.resolve(name);
    Commands.run("btrfs", "subvolume", "snapshot", "-r", vol.toString(), snapshot.toString());
    return snapshot;
  }

  /** {@code btrfs send [-p PARENT] SNAPSHOT | wc -c}. */
  private static long streamSize(Path snapshot, Optional<Path> parent) throws IOException {
    List<String> send = new ArrayList<>(BtrfsCommands.send(snapshot, parent));
    List<Process> ps =
        ProcessBuilder.startPipeline(
            List.of(
                new ProcessBuilder(send).redirectError(ProcessBuilder.Redirect.DISCARD),
                new ProcessBuilder("wc", "-c")));
    String count = new String(ps.get(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertEquals(0, ps.get(0).waitFor(), "btrfs send of " + snapshot);
      assertEquals(0, ps.get(1).waitFor(), "wc -c");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return Long.parseLong(count.trim());
  }
}
