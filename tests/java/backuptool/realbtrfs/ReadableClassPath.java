package backuptool.realbtrfs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tool's classes and libraries copied where every user can read them, so that a test can run
 * the tool, or a small Java program, as an unprivileged user: the build's own class path usually
 * lies below root's home, which other users cannot enter. Made once per JVM, removed at its exit.
 */
final class ReadableClassPath {
  private static Path dir;
  private static String classPath;

  private ReadableClassPath() {}

  /** A directory every user can read and enter; removed when this JVM exits. */
  static synchronized Path dir() throws IOException {
    if (dir == null) {
      dir =
          Files.createTempDirectory(
              Path.of("/var/tmp"),
              "backup-tool-test-readable-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Path made = dir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(made)));
    }
    return dir;
  }

  /** The tool's own classes and its run-time libraries, as a class path of readable copies. */
  static synchronized String get() throws IOException {
    if (classPath == null) {
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
        Path from = Path.of(entry);
        boolean mainClasses = from.getFileName().toString().equals("classes");
        boolean library = entry.contains("tomlj") || entry.contains("argparse4j");
        if (!mainClasses && !library) {
          continue; // test classes and test libraries are not the tool's
        }
        Path to = dir().resolve(n++ + "-" + from.getFileName());
        copyTree(from, to);
        entries.add(to.toString());
      }
      classPath = String.join(File.pathSeparator, entries);
    }
    return classPath;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(
            q, PosixFilePermissions.fromString(Files.isDirectory(q) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
