package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process decides whether its standard error is the journal as systemd.exec(5) says: by
 * $JOURNAL_STREAM naming the device and inode of descriptor 2, not by the variable alone. Here
 * standard error is a file, and the variable names it, or another file, or is unset.
 */
class JournalStreamTest {
  @TempDir Path tmp;

  /** The tool's standard error for a usage error (no pair given), with {@code journalStream}. */
  private String stderrOfUsageError(String journalStream) throws IOException, InterruptedException {
    Path err = Files.createFile(tmp.resolve("err-" + System.nanoTime()));
    String value = journalStream == null ? null : journalStream.replace("SELF", devIno(err));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "backuptool.cli.Main",
                "--backup")
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.remove("JOURNAL_STREAM");
    if (value != null) {
      env.put("JOURNAL_STREAM", value);
    }
    assertEquals(2, pb.start().waitFor());
    return Files.readString(err);
  }

  private static String devIno(Path file) throws IOException {
    Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino");
    return a.get("dev") + ":" + a.get("ino");
  }

  @Test
  void prefixesOnlyWhenJournalStreamNamesStandardError() throws Exception {
    String journal = stderrOfUsageError("SELF");
    List<String> lines = journal.lines().toList();
    assertTrue(lines.get(0).startsWith("<6>usage: backup-tool "), lines.get(0));
    assertTrue(lines.get(lines.size() - 1).startsWith("<3>backup-tool: error: "), journal);
    lines.subList(0, lines.size() - 1).forEach(l -> assertTrue(l.startsWith("<6>"), l));

    String plain = stderrOfUsageError(null);
    assertEquals(journal.replaceAll("(?m)^<[36]>", ""), plain);
    assertEquals(plain, stderrOfUsageError("1:2")); // another stream: a shell's 2>file, say
    assertEquals(plain, stderrOfUsageError("garbage"));
  }
}
