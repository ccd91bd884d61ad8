package backuptool.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The run's private directory for the sockets of its master connections: created mode 0700 with a
 * name no other run can have (this process's id and random letters), so that no other user, and no
 * other run, can reach a master through it or end it; removed at the end of the run, and, if a run
 * was killed, by the next one. Short, as a socket path must fit the kernel's 108 bytes.
 */
final class ControlDirectory {
  private ControlDirectory() {}

  private static final String PREFIX = "backup-tool-ssh.";
  private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)\\.[a-z0-9]+");
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** A new directory below {@code base} with a subdirectory for each of {@code count} masters. */
  static Path create(Path base, int count) throws IOException {
    sweep(base);
    long pid = ProcessHandle.current().pid();
    for (int attempt = 0; ; attempt++) {
      Path dir = base.resolve(PREFIX + pid + "." + randomLetters());
      try {
        Files.createDirectory(dir, PRIVATE);
      } catch (FileAlreadyExistsException e) {
        if (attempt < 10) {
          continue;
        }
        throw e;
      }
      for (int i = 1; i <= count; i++) {
        Files.createDirectory(dir.resolve(Integer.toString(i)), PRIVATE);
      }
      return dir;
    }
  }

  /**
   * Up to six random letters and digits (30 bits), from the kernel: read directly, as
   * SecureRandom's set-up costs about 10 ms of the run's start.
   */
  private static String randomLetters() throws IOException {
    byte[] b;
    try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
      b = in.readNBytes(4);
    }
    long n = 0;
    for (byte x : b) {
      n = n << 8 | (x & 0xff);
    }
    return Long.toString(n >>> 2, 36);
  }

  /** Removes what earlier runs of this user left, when the run that made it is gone. */
  private static void sweep(Path base) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*")) {
      Object me = Files.getOwner(Path.of("/proc/self"));
      for (Path entry : entries) {
        Matcher m = OURS.matcher(entry.getFileName().toString());
        if (m.matches()
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
            && Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).equals(me)
            && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          remove(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      // A directory left over costs nothing but its name.
    }
  }

  /** Removes {@code dir} and what is in it (sockets), as far as it can. */
  static void remove(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      // A directory left over costs nothing but its name; the next run sweeps it.
    }
  }
}
