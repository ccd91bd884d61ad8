package backuptool.cli;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import backuptool.metrics.Metrics;
import backuptool.metrics.Ran;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one writer of the node-exporter metrics file. Under an exclusive lock (so that two runs of
 * different pairs that end together cannot both read the old file and each drop the other's
 * series), it reads the file, has {@link Metrics#update} decide the new content, and replaces the
 * file atomically: a temporary file in the same directory, written, flushed to disk, made 0644
 * (node-exporter runs as another user) and renamed over the file, so that a scrape sees the whole
 * old file or the whole new one. A symbolic link at the file's place is refused, never followed.
 *
 * <p>The directory is often another user's (node-exporter's textfile directory): that user can
 * already write any metrics there, but must not block a run; everything here therefore runs on a
 * helper thread that is given up after {@link #TIMEOUT} (a FIFO swapped in for a file blocks an
 * open, as does a hung network filesystem).
 */
final class MetricsFile {
  /**
   * The lock file's name in the lock directory without its ".lock": '+' is in no pair name, so it
   * is never a pair's lock file.
   */
  static final String LOCK = "+metrics";

  /** Longer than any write of the file takes; a run that ends meanwhile waits this long at most. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Far beyond the file of a thousand pairs: a larger file is not this tool's. */
  static final int MAX_BYTES = 4 << 20;

  private MetricsFile() {}

  /**
   * Writes {@code ran} into {@code file}; returns why it was not written, or the parts of the old
   * file that were dropped, one line each (empty when all went well). {@code lockDir}, {@code uid},
   * {@code command} and {@code now}: where and how to take the lock, as for the pairs' locks.
   */
  static List<String> update(
      Path file, Path lockDir, int uid, String command, LocalDateTime now, Ran ran) {
    FutureTask<List<String>> task =
        new FutureTask<>(() -> updateLocked(file, lockDir, uid, command, now, ran));
    Thread thread = new Thread(task, "metrics-file");
    thread.setDaemon(true); // a thread still blocked when the run ends must not keep the JVM
    thread.start();
    try {
      return task.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return List.of(
          "not written: no answer from the file system in "
              + TIMEOUT.toSeconds()
              + " s (a hung file system, or something other than a file at its place?)");
    } catch (ExecutionException e) {
      return List.of("not written: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("not written: interrupted");
    }
  }

  private static List<String> updateLocked(
      Path file, Path lockDir, int uid, String command, LocalDateTime now, Ran ran) {
    try (PairLocks locks = PairLocks.in(lockDir, uid, command, now)) {
      Map<String, String> busy = locks.lock(List.of(LOCK), LOCK_WAIT);
      if (!busy.isEmpty()) {
        return List.of(
            "not written: another run held its lock ("
                + busy.get(LOCK)
                + ") for "
                + LOCK_WAIT.toSeconds()
                + " s");
      }
      Metrics.Update update = Metrics.update(read(file), ran);
      if (update.text().isEmpty()) {
        return update.warnings();
      }
      write(file, update.text().get());
      return update.warnings();
    } catch (PairLocks.Unsafe e) {
      return List.of("not written: " + e.getMessage());
    } catch (IOException e) {
      return List.of("not written: " + reason(e));
    }
  }

  /** The file's text, or "" when there is none; refuses what the tool would never have written. */
  private static String read(Path file) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return "";
    }
    if (attrs.isSymbolicLink()) {
      throw new IOException(
          "it is a symbolic link, which backup-tool neither follows nor replaces; remove it, or"
              + " set metrics_file to the file it points to");
    }
    if (!attrs.isRegularFile()) {
      throw new IOException("it is not a regular file");
    }
    if (attrs.size() > MAX_BYTES) {
      throw new IOException(
          "it is larger than " + (MAX_BYTES >> 20) + " MiB: not a file this tool wrote");
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.allocate(MAX_BYTES + 1);
      while (buffer.hasRemaining() && in.read(buffer) >= 0) {
        // until the end, or one byte beyond the limit
      }
      if (buffer.position() > MAX_BYTES) {
        throw new IOException("it grew beyond " + (MAX_BYTES >> 20) + " MiB while being read");
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Replaces {@code file} with {@code text}: the temporary file's name starts with a dot and does
   * not end in ".prom", so that the textfile collector never reads it half written.
   */
  private static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temporary;
    try {
      temporary = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw new IOException("cannot create a file in " + dir + ": " + reason(e), e);
    }
    boolean renamed = false;
    try {
      // Created 0600 whatever the umask; made readable for node-exporter's user without
      // following a link that another user of the directory might have put in its place.
      Files.getFileAttributeView(temporary, PosixFileAttributeView.class, NOFOLLOW_LINKS)
          .setPermissions(PosixFilePermissions.fromString("rw-r--r--"));
      try (FileChannel out =
          FileChannel.open(temporary, StandardOpenOption.WRITE, NOFOLLOW_LINKS)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true); // on disk before the rename makes it the file: never an empty file
      }
      // rename(2): replaces whatever is at the file's place, a link itself included, atomically.
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      renamed = true;
    } catch (IOException e) {
      throw new IOException("cannot write " + temporary + " and rename it: " + reason(e), e);
    } finally {
      if (!renamed) {
        Files.deleteIfExists(temporary);
      }
    }
    syncDirectory(dir);
  }

  /** Makes the rename itself durable; best effort, since the file is complete either way. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // the new file is complete; at worst a crash brings back the old one
    }
  }

  /** What went wrong in words: the file system's reason, without the paths Java adds to it. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return String.valueOf(e.getMessage());
  }
}
