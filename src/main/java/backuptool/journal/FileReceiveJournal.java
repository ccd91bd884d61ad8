package backuptool.journal;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * The journal as small text files, one name per line. For this machine's target directories, the
 * file is in the target directory itself: it lives on the same disk as the partial subvolumes it
 * speaks for, and travels with it. For another machine's, it is kept on this one ({@link #keptIn}),
 * where the next run looks for it: the other machine need not let this tool write anything but
 * received subvolumes. Every change is written to a temporary file, flushed to disk and renamed
 * over the old one, so that a crash at any moment leaves either the old or the new record, never
 * half of one.
 */
public final class FileReceiveJournal implements ReceiveJournal {
  /** The journal's file name; scanning leaves it out of the directory's entries. */
  public static final String FILE_NAME = ".backup-tool-receiving";

  /** Below a state directory: the journals of other machines' target directories. */
  static final String REMOTE_DIR = "receiving";

  /** Where the journal of a target directory is; null: in the directory itself. */
  private final Path keptIn;

  /** The machine whose directories a journal kept elsewhere speaks for. */
  private final String machine;

  /** The journal in each target directory of this machine. */
  public FileReceiveJournal() {
    this(null, "");
  }

  private FileReceiveJournal(Path keptIn, String machine) {
    this.keptIn = keptIn;
    this.machine = machine;
  }

  /**
   * The journal of receives into the directories of another machine ({@code machine}, e.g.
   * "nas:22"), kept on this one below {@code stateDir}: one file per directory, named by a hash of
   * machine and path (any path fits in a file name that way), created mode 0600 in a directory of
   * mode 0700.
   */
  public static FileReceiveJournal keptIn(Path stateDir, String machine) {
    return new FileReceiveJournal(stateDir.resolve(REMOTE_DIR), machine);
  }

  /**
   * The journal, and the temporary copy that a crash in the middle of an update can leave (the next
   * update overwrites it).
   */
  @Override
  public boolean isOwnFile(String name) {
    return keptIn == null && (name.equals(FILE_NAME) || name.equals(FILE_NAME + ".new"));
  }

  /** The journal file of {@code targetDir}. */
  Path file(Path targetDir) {
    if (keptIn == null) {
      return targetDir.resolve(FILE_NAME);
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((machine + "\0" + targetDir).getBytes(StandardCharsets.UTF_8));
      return keptIn.resolve(HexFormat.of().formatHex(hash, 0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public Set<String> unfinished(Path targetDir) throws IOException {
    try {
      Set<String> names = new TreeSet<>();
      for (String line : Files.readAllLines(file(targetDir), StandardCharsets.UTF_8)) {
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

  private void write(Path targetDir, Set<String> names) throws IOException {
    Path file = file(targetDir);
    Path dir = file.getParent();
    if (names.isEmpty()) {
      Files.deleteIfExists(file);
      syncDirectory(dir);
      return;
    }
    if (keptIn != null) {
      privateDirectory(dir);
    }
    Path temp = dir.resolve(file.getFileName() + ".new");
    StringBuilder text =
        new StringBuilder(
            keptIn == null
                ? "# receives started by backup-tool and not finished\n"
                : "# receives started by backup-tool into "
                    + machine
                    + " "
                    + targetDir.toString().replace('\n', '?')
                    + " and not finished\n");
    names.forEach(n -> text.append(n).append('\n'));
    try (FileChannel ch =
        FileChannel.open(
            temp,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE,
                NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      ch.write(StandardCharsets.UTF_8.encode(text.toString()));
      ch.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  /**
   * Creates {@code dir} (and missing parents) mode 0700, or refuses one that another user could
   * change: whoever can write there could make this tool delete an incomplete receive it never
   * started.
   */
  private static void privateDirectory(Path dir) throws IOException {
    if (!Files.exists(dir, NOFOLLOW_LINKS)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!Files.isDirectory(dir, NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, NOFOLLOW_LINKS);
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)
        // /proc/self belongs to the process's effective user.
        || !Files.getOwner(dir, NOFOLLOW_LINKS).equals(Files.getOwner(Path.of("/proc/self")))) {
      throw new IOException(
          dir + " may be changed by another user: make it this user's, mode 0700 (chmod 700)");
    }
  }

  /** Makes the rename itself durable. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
