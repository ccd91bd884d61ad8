package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of a running send: on a terminal, redrawn on stderr and erased before each
 * result line (the fake reports each send once, half way; carriage returns show as {@code <CR>});
 * never with --json or -q, nor when stderr is not a terminal. The result lines carry the figures in
 * every mode.
 */
class ProgressScenariosTest {
  @TempDir Path tmp;

  private Scenario twoSnapshotsNoBackup() {
    return Scenario.standard(tmp)
        .snapshot("root", "2026-11-20T10:00:00")
        .snapshot("root", "2026-11-21T10:00:00");
  }

  @Test
  void onATerminalEachSendShowsItsProgressAndErasesIt() {
    Scenario s = twoSnapshotsNoBackup();
    s.stderrIsTerminal = true;
    Approvals.verify(s.run("--backup", "--pair", "root"));
  }

  @Test
  void withoutATerminalOnlyTheResultLinesShowTheFigures() {
    Scenario s = twoSnapshotsNoBackup();
    String run = s.run("--backup", "--pair", "root");
    assertEquals(0, s.lastExit, run);
    assertNoProgress(run);
    assertTrue(run.contains(": sent 1.0 GiB in 2.6 s, 394 MiB/s\n"), run);
    assertTrue(run.contains(": sent 25.0 MiB in 0.4 s, 62.5 MiB/s\n"), run);
  }

  @Test
  void neverWithJsonOrQuietEvenOnATerminal() {
    for (String mode : new String[] {"--json", "-q"}) {
      Scenario s = twoSnapshotsNoBackup();
      s.stderrIsTerminal = true;
      String run = s.run("--backup", "--pair", "root", mode);
      assertEquals(0, s.lastExit, run);
      assertNoProgress(run);
    }
  }

  private static void assertNoProgress(String transcript) {
    assertFalse(transcript.contains("<CR>"), transcript);
    assertFalse(transcript.contains("sending:"), transcript);
  }
}
