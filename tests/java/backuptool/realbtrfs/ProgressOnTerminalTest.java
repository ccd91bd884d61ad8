package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line as a user at a terminal sees it: the tool runs on a pseudo-terminal (util-linux
 * {@code script}) and does a full backup of 512 MiB of random data, long enough for several
 * redraws; with quotas on the source filesystem, the line has an expected total and an ETA. The
 * same backup with stderr to a file (as {@code 2>log}, or cron, or journald) shows none of it. Both
 * show the result line with the size and rate.
 */
@Tag("btrfs")
class ProgressOnTerminalTest {
  private static final long DATA = 512L << 20;

  /**
   * A result line, as the terminal shows it: "done send ... to ...: sent 512 MiB in 1.2 s, ...".
   */
  private static final Pattern RESULT =
      Pattern.compile(
          "  done    send \\S+ to \\S+: sent (\\d+ MiB) in [0-9.]+ s, [0-9.]+ [MG]iB/s");

  private static LoopBtrfs source;
  private static LoopBtrfs target;
  private static Path volume;
  private static Path snaps;
  private static Path backups;

  @TempDir static Path work;

  @BeforeAll
  static void createAFilesystemWithQuotasAndBigData() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("progress-tty-source", 1024);
    target = LoopBtrfs.create("progress-tty-target", 1024);
    Commands.run("btrfs", "quota", "enable", source.root().toString());
    volume = source.root().resolve("big-live");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.randomFile(volume.resolve("random.bin"), 42, DATA);
    snaps = Files.createDirectories(source.root().resolve("big-snaps"));
    backups = Files.createDirectories(target.root().resolve("big-backups"));
  }

  @AfterAll
  static void unmount() throws IOException {
    LoopBtrfs.closeAll(source, target);
  }

  @Test
  void aTerminalSeesTheLineRedrawnAndAFileSeesNoneOfIt() throws IOException {
    try (ToolProcess tool = new ToolProcess(work.resolve("tool"))) {
      Path config =
          tool.config(
              "config.toml", TestConfigs.pair("big", volume, snaps, backups, 10, 100, 10, 100));
      ToolProcess.Result snapshot = tool.run(config, "--snapshot", "--pair", "big");
      assertEquals(0, snapshot.exit(), snapshot.transcript());

      ToolProcess.Result onTerminal =
          tool.startOnTerminal(config, Optional.empty(), "--backup", "--pair", "big").await();
      String screen = onTerminal.out();
      assertEquals(0, onTerminal.exit(), onTerminal.transcript());
      // Redrawn in place: each drawing starts with a carriage return and is not a new line.
      long drawings = Pattern.compile("\r  sending: ").matcher(screen).results().count();
      assertTrue(drawings >= 2, "redrawn while the send ran:\n" + visible(screen));
      assertTrue(
          Pattern.compile(" [0-9.]+ [MG]iB/s, 0:0[0-9]").matcher(screen).find(), visible(screen));
      assertTrue(screen.contains(" of ~512 MiB ("), "the estimate from quotas: " + visible(screen));
      assertTrue(screen.contains(", ETA 0:0"), visible(screen));
      // Erased (carriage return, spaces, carriage return) right before the result line.
      assertTrue(
          Pattern.compile("\r +\r" + RESULT.pattern()).matcher(screen).find(), visible(screen));
      assertResult(screen);

      deleteBackups();
      Path log = work.resolve("stderr.log");
      ToolProcess.Result toFile =
          tool.startOnTerminal(config, Optional.of(log), "--backup", "--pair", "big").await();
      assertEquals(0, toFile.exit(), toFile.transcript());
      String stderr = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals("", stderr, "no progress, nor anything else, on a stderr that is a file");
      assertFalse(toFile.out().contains("sending"), visible(toFile.out()));
      assertResult(toFile.out());
    }
  }

  private static void assertResult(String screen) {
    Matcher result = RESULT.matcher(screen);
    assertTrue(result.find(), "the result line with size and rate:\n" + visible(screen));
    assertEquals("512 MiB", result.group(1), "the stream is a little larger than the data");
  }

  private static void deleteBackups() throws IOException {
    try (Stream<Path> entries = Files.list(backups)) {
      List<String> argv =
          Stream.concat(
                  Stream.of("btrfs", "subvolume", "delete"),
                  entries.filter(Files::isDirectory).map(Path::toString))
              .toList();
      Commands.run(argv.toArray(String[]::new));
    }
  }

  /** The terminal's text with its carriage returns shown, for failure messages. */
  private static String visible(String screen) {
    return screen.replace("\r\n", "\n").replace("\r", "<CR>");
  }
}
