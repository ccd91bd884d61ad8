package backuptool.cli;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One lock file per pair, so that runs touching the same pair exclude each other while runs on
 * other pairs go on. The locks are fcntl locks: the kernel releases them when the holder dies,
 * however it dies, so a crashed run never leaves a pair locked. The files stay; deleting a lock
 * file would let two runs lock two different files of the same name.
 *
 * <p>A root run must not be steered or blocked by another user: the directory is private (created
 * mode 0700, refused if another user could change it), lock files are created mode 0600 and opened
 * without following links, so nobody else can open one to hold a lock of their own on it, nor point
 * it at a file that root would then overwrite.
 */
final class PairLocks implements AutoCloseable {
  /**
   * Lock files this JVM holds. A second channel on a held file must never be opened, let alone
   * closed: closing any descriptor of a file drops all of the process's fcntl locks on it.
   */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final Set<OpenOption> OPEN =
      Set.of(
          StandardOpenOption.CREATE,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          NOFOLLOW_LINKS);
  private static final Duration POLL = Duration.ofMillis(200);

  /**
   * A held fcntl lock in /proc/locks, "1: POSIX ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF", with the
   * holder's pid and the inode; a request still waiting for one reads "1: -> POSIX ...".
   */
  private static final Pattern HELD_POSIX_LOCK =
      Pattern.compile("\\d+: POSIX +\\S+ +\\S+ +(\\d+) +[0-9a-f]+:[0-9a-f]+:(\\d+) .*");

  private final Path dir;
  private final String record;
  private final Map<Path, FileChannel> channels = new LinkedHashMap<>();

  private PairLocks(Path dir, String record) {
    this.dir = dir;
    this.record = record;
  }

  /** The lock directory or a lock file cannot be used safely; the message says what to fix. */
  static final class Unsafe extends Exception {
    private static final long serialVersionUID = 1L;

    Unsafe(String message) {
      super(message);
    }
  }

  /**
   * The locks of directory {@code dir}, created (mode 0700) if missing, after checking that no user
   * but {@code uid} (or root) could change it. {@code command} and {@code now} describe this run in
   * the lock files it takes.
   */
  static PairLocks in(Path dir, int uid, String command, LocalDateTime now)
      throws Unsafe, IOException {
    if (!Files.exists(dir, NOFOLLOW_LINKS)) {
      Path parent = dir.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, PRIVATE_DIR);
      } catch (FileAlreadyExistsException e) {
        // made at the same moment by another run: checked below like any other
      }
    }
    check(dir, uid);
    // Read back as java.util.Properties; the values need no escaping (pair names are plain).
    ProcessHandle self = ProcessHandle.current();
    String record =
        "# the backup-tool run that holds this lock\n"
            + ("pid=" + self.pid() + "\n")
            + ("process_start=" + startMillis(self).map(Object::toString).orElse("unknown") + "\n")
            + ("command=" + command + "\n")
            + ("started=" + now + "\n");
    return new PairLocks(dir, record);
  }

  /**
   * Refuses a lock directory that another user could change: a symbolic link, one not owned by
   * {@code uid}, one that group or others may write, or one below a directory that another user
   * could change. A missing directory is fine: nothing is locked in it.
   */
  static void check(Path dir, int uid) throws Unsafe, IOException {
    Optional<String> problem;
    if (Files.isSymbolicLink(dir)) {
      problem = Optional.of(dir + " is a symbolic link");
    } else if (!Files.exists(dir, NOFOLLOW_LINKS)) {
      return;
    } else if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
      problem = Optional.of(dir + " is not a directory");
    } else if ((Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW_LINKS) != uid) {
      problem =
          Optional.of(
              dir
                  + " is owned by "
                  + Files.getOwner(dir, NOFOLLOW_LINKS).getName()
                  + ", not by the user of this run (uid "
                  + uid
                  + ")");
    } else {
      problem = Trust.problem(dir, uid);
    }
    if (problem.isPresent()) {
      throw new Unsafe(
          "cannot use the lock directory "
              + dir
              + ": "
              + problem.get()
              + ": another user could plant links in it or hold its locks; make it a directory of"
              + " this user's with mode 0700 (chown "
              + uid
              + " DIR; chmod 700 DIR), or set lock_dir in [global] to another, or leave lock_dir"
              + " out to use "
              + Environment.DEFAULT_LOCK_DIR);
    }
  }

  /**
   * Locks each of {@code pairs} that can be locked within {@code wait}; returns, for each pair that
   * another run still holds, who holds it.
   */
  Map<String, String> lock(List<String> pairs, Duration wait) throws Unsafe, IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    Map<String, String> busy = new LinkedHashMap<>();
    List<String> todo = pairs;
    while (true) {
      busy.clear();
      for (String pair : todo) {
        Optional<String> holder = tryLock(pair);
        holder.ifPresent(h -> busy.put(pair, h));
      }
      long left = deadline - System.nanoTime();
      if (busy.isEmpty() || left <= 0) {
        return busy;
      }
      sleep(Math.min(left, POLL.toNanos()));
      todo = List.copyOf(busy.keySet());
    }
  }

  /** Locks {@code pair}, or returns who holds it. */
  private Optional<String> tryLock(String pair) throws Unsafe, IOException {
    Path file = file(dir, pair);
    if (!HELD.add(file)) {
      return Optional.of("pid " + ProcessHandle.current().pid() + ": this same process");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, OPEN, PRIVATE_FILE);
    } catch (IOException e) { // ELOOP comes as a plain IOException
      HELD.remove(file);
      if (Files.isSymbolicLink(file)) {
        throw new Unsafe(
            "lock file "
                + file
                + " is a symbolic link, which backup-tool never creates and does not follow;"
                + " remove it and run again");
      }
      throw e;
    }
    try {
      PosixFileAttributes attrs =
          Files.readAttributes(file, PosixFileAttributes.class, NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        throw new Unsafe("lock file " + file + " is not a regular file; remove it and run again");
      }
      if (!attrs.permissions().equals(PosixFilePermissions.fromString("rw-------"))) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
      if (!tryLock(channel)) {
        String holder = holder(file); // while the lock is surely still held
        channel.close();
        HELD.remove(file);
        return Optional.of(holder);
      }
    } catch (Unsafe | IOException | RuntimeException e) {
      channel.close();
      HELD.remove(file);
      throw e;
    }
    channels.put(file, channel); // kept open for the whole run: closing it would release the lock
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
    return Optional.empty();
  }

  private static boolean tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (OverlappingFileLockException e) {
      return false; // held through another channel of this JVM: for this purpose, another run
    }
  }

  /**
   * Who holds the lock of {@code pair} now, if anyone, found without taking or even opening the
   * lock (a dry run takes none, and must not make a real run think the pair is busy).
   */
  static Optional<String> holderOf(Path dir, String pair) {
    Path file = file(dir, pair);
    return lockingPid(file).map(pid -> describe(file, pid));
  }

  /** Who holds {@code file}'s lock, said only as far as it is known to be true. */
  private static String holder(Path file) {
    return lockingPid(file)
        .map(pid -> describe(file, pid))
        .orElse("a process that could not be identified; it may just have finished");
  }

  /**
   * The process named in the lock file, if it is {@code pid} and still the same process (pids are
   * reused: its start time must match the record); otherwise only the pid the kernel reports.
   */
  private static String describe(Path file, long pid) {
    Properties recorded = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      recorded.load(in);
    } catch (IOException | IllegalArgumentException e) {
      return "pid " + pid;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    boolean same =
        Long.toString(pid).equals(recorded.getProperty("pid"))
            && process
                .flatMap(PairLocks::startMillis)
                .map(ms -> ms.toString().equals(recorded.getProperty("process_start")))
                .orElse(false);
    if (!same) {
      return "pid " + pid;
    }
    return "pid "
        + pid
        + ": "
        + CommandLine.PROG
        + " "
        + recorded.getProperty("command", "")
        + ", started "
        + recorded.getProperty("started", "at an unknown time");
  }

  /**
   * The pid that the kernel shows holding an fcntl lock on {@code file} (from /proc/locks, checked
   * against that process's open files, since /proc/locks names inodes without their filesystem).
   */
  private static Optional<Long> lockingPid(Path file) {
    try {
      long inode = (Long) Files.getAttribute(file, "unix:ino", NOFOLLOW_LINKS);
      Path real = file.toRealPath();
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        Matcher m = HELD_POSIX_LOCK.matcher(line);
        if (m.matches() && Long.parseLong(m.group(2)) == inode) {
          long pid = Long.parseLong(m.group(1));
          if (hasOpen(pid, real)) {
            return Optional.of(pid);
          }
        }
      }
    } catch (NoSuchFileException e) {
      return Optional.empty(); // no lock file: nobody ever locked the pair here
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean hasOpen(long pid, Path file) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(file)) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static Optional<Long> startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli);
  }

  private static Path file(Path dir, String pair) {
    return dir.resolve(pair + ".lock");
  }

  private static void sleep(long nanos) throws IOException {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for busy pairs", e);
    }
  }

  @Override
  public void close() {
    for (FileChannel channel : channels.values()) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing releases the lock; the kernel releases it at exit in any case
      }
    }
    HELD.removeAll(channels.keySet());
    channels.clear();
  }
}
