package backuptool.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The journal as a small text file in the target directory itself, one name per line: it lives on
 * the same disk as the partial subvolumes it speaks for, and travels with it. Every change is
 * written to a temporary file, flushed to disk and renamed over the old one, so that a crash at any
 * moment leaves either the old or the new record, never half of one.
 */
public final class FileReceiveJournal implements ReceiveJournal {
  /** The journal's file name; scanning leaves it out of the directory's entries. */
  public static final String FILE_NAME = ".backup-tool-receiving";

  /**
   * The journal, and the temporary copy that a crash in the middle of an update can leave (the next
   * update overwrites it).
   */
  @Override
  public boolean isOwnFile(String name) {
    return name.equals(FILE_NAME) || name.equals(FILE_NAME + ".new");
  }

  @Override
  public Set<String> unfinished(Path targetDir) throws IOException {
    try {
      Set<String> names = new TreeSet<>();
      for (String line : Files.readAllLines(targetDir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return names;
    } catch (NoSuchFileException e) {
      return Set.of();
    }
  }

  @Override
  public void started(Path targetDir, String name) throws IOException {
    Set<String> names = new TreeSet<>(unfinished(targetDir));
    names.add(name);
    write(targetDir, names);
  }

  @Override
  public void finished(Path targetDir, String name) throws IOException {
    Set<String> names = new TreeSet<>(unfinished(targetDir));
    if (names.remove(name)) {
      write(targetDir, names);
    }
  }

  private static void write(Path dir, Set<String> names) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (names.isEmpty()) {
      Files.deleteIfExists(file);
      syncDirectory(dir);
      return;
    }
    Path temp = dir.resolve(FILE_NAME + ".new");
    StringBuilder text = new StringBuilder("# receives started by backup-tool and not finished\n");
    names.forEach(n -> text.append(n).append('\n'));
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(StandardCharsets.UTF_8.encode(text.toString()));
      ch.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  /** Makes the rename itself durable. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
