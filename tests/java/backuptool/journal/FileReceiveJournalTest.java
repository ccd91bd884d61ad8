package backuptool.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReceiveJournalTest {
  @TempDir Path dir;
  private final FileReceiveJournal journal = new FileReceiveJournal();

  @Test
  void recordsStartedReceivesUntilFinishedAndLeavesNoFileWhenEmpty() throws IOException {
    assertEquals(Set.of(), journal.unfinished(dir));
    journal.started(dir, "2026-11-20T10:00:00");
    journal.started(dir, "2026-11-21T10:00:00-x");
    assertEquals(
        Set.of("2026-11-20T10:00:00", "2026-11-21T10:00:00-x"),
        new FileReceiveJournal().unfinished(dir));
    journal.finished(dir, "2026-11-20T10:00:00");
    assertEquals(Set.of("2026-11-21T10:00:00-x"), journal.unfinished(dir));
    journal.finished(dir, "2026-11-21T10:00:00-x");
    assertEquals(Set.of(), journal.unfinished(dir));
    assertFalse(Files.exists(dir.resolve(FileReceiveJournal.FILE_NAME)));
    assertFalse(Files.exists(dir.resolve(FileReceiveJournal.FILE_NAME + ".new")));
  }

  @Test
  void aTemporaryCopyLeftByACrashIsOverwrittenAndCountsAsTheJournalsOwn() throws IOException {
    Files.writeString(dir.resolve(FileReceiveJournal.FILE_NAME + ".new"), "half a rec");
    journal.started(dir, "2026-11-20T10:00:00");
    assertEquals(Set.of("2026-11-20T10:00:00"), journal.unfinished(dir));
    assertFalse(Files.exists(dir.resolve(FileReceiveJournal.FILE_NAME + ".new")));
    assertTrue(journal.isOwnFile(FileReceiveJournal.FILE_NAME + ".new"));
    assertFalse(journal.isOwnFile("2026-11-20T10:00:00"));
  }
}
