package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under systemd, standard error is the journal's stream: each line carries its syslog priority, so
 * that journald files errors, warnings and information at their levels. Standard output keeps the
 * stream's own level, info, and no prefix.
 */
class JournaldScenariosTest {
  @TempDir Path tmp;

  /** A usage error; a busy pair, a failed pair and a metrics file that cannot be written. */
  @SuppressWarnings("try") // the try holds root's lock for the run; its body never names it
  private String runs(boolean journal) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(journal ? "journal" : "plain"));
    Scenario s =
        Scenario.standard(dir)
            .snapshot("root", "2026-11-20T10:00:00")
            .snapshot("home", "2026-11-20T10:00:00");
    s.journalStream = journal;
    s.config(
        "[global]\nmetrics_file = "
            + TestConfigs.quote(dir.resolve("missing/backup-tool.prom").toString())
            + "\n\n"
            + Scenario.config(10, 30, 20, 90));
    String usage = s.run("--backup");
    s.btrfs.failNext("receive", "ERROR: No space left on device");
    Path lockFile = Files.createDirectories(dir.resolve("locks")).resolve("root.lock");
    String busy;
    try (FileChannel other =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = other.lock()) {
      busy = s.run("--backup", "--all");
      assertEquals(1, s.lastExit);
    }
    return (usage + "\n" + busy).replace("pid " + ProcessHandle.current().pid(), "pid <pid>");
  }

  @Test
  void stderrLinesCarryTheirPriorityOnlyWhenStderrIsTheJournal() throws IOException {
    String journal = runs(true);
    assertEquals(journal.replaceAll("(?m)^<[346]>", ""), runs(false), "the same lines, bare");
    Approvals.verify(journal);
  }
}
