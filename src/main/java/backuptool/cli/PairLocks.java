package backuptool.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One lock file per pair, so that runs touching the same pair exclude each other while runs on
 * other pairs go on. The locks are fcntl locks: the kernel releases them when the holder dies,
 * however it dies, so a crashed run never leaves a pair locked. The files stay; deleting a lock
 * file would let two runs lock two different files of the same name.
 */
final class PairLocks implements AutoCloseable {
  /**
   * Lock files this JVM holds. A second channel on a held file must never be opened, let alone
   * closed: closing any descriptor of a file drops all of the process's fcntl locks on it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final List<FileChannel> channels = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();

  private PairLocks() {}

  /** Another run holds the lock of {@code pair}; {@code holder} says which, as far as known. */
  static final class Locked extends Exception {
    private static final long serialVersionUID = 1L;

    Locked(String pair, Path file, String holder) {
      super(
          "pair "
              + pair
              + " is in use by another backup-tool run ("
              + holder
              + ", lock "
              + file
              + "); nothing was done, try again when it has finished");
    }
  }

  /** Locks every pair or none: on the first that is held, the others are released again. */
  static PairLocks acquire(Path dir, List<String> pairs, String command)
      throws Locked, IOException {
    Files.createDirectories(dir);
    PairLocks locks = new PairLocks();
    try {
      for (String pair : pairs) {
        locks.lock(dir.resolve(pair + ".lock"), pair, command);
      }
      return locks;
    } catch (Locked | IOException | RuntimeException e) {
      locks.close();
      throw e;
    }
  }

  private void lock(Path file, String pair, String command) throws Locked, IOException {
    if (!HELD.add(file)) {
      throw new Locked(pair, file, "pid " + ProcessHandle.current().pid() + ", this same process");
    }
    files.add(file);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (!tryLock(channel)) {
      String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      channel.close();
      throw new Locked(pair, file, holder.isEmpty() ? "process unknown" : holder);
    }
    channels.add(channel); // kept open for the whole run: closing it would release the lock
    String me =
        "pid "
            + ProcessHandle.current().pid()
            + ", "
            + command
            + ", started "
            + LocalDateTime.now(ZoneId.systemDefault()).withNano(0);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
  }

  private static boolean tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (OverlappingFileLockException e) {
      return false; // held through another channel of this JVM: for this purpose, another run
    }
  }

  @Override
  public void close() {
    for (FileChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing releases the lock; the kernel releases it at exit in any case
      }
    }
    channels.clear();
    HELD.removeAll(files);
    files.clear();
  }
}
