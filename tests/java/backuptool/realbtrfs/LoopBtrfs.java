package backuptool.realbtrfs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scratch filesystem for tests, mounted under {@value #BASE}: btrfs on a sparse image file
 * through a loop device, or a tmpfs where a test needs a filesystem that is not btrfs. {@link
 * #close} unmounts, detaches and deletes it; whatever a killed test run left behind is removed
 * before the first filesystem of the next run is created.
 *
 * <p>Names carry the creating JVM's pid, so that concurrent runs on one machine leave each other
 * alone and leftovers are recognised by their dead owner.
 */
public final class LoopBtrfs implements AutoCloseable {
  public static final String BASE = "/var/tmp/backup-tool-test";

  private static final Path BASE_DIR = Path.of(BASE);
  private static final Pattern OURS = Pattern.compile("(?:mnt|img)-(\\d+)-.*");
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static boolean swept;

  private final Path mountPoint;
  private final Path image;

  private LoopBtrfs(Path mountPoint, Path image) {
    this.mountPoint = mountPoint;
    this.image = image;
  }

  /** A fresh 256 MiB btrfs; {@code label} becomes part of the mount point's name. */
  public static LoopBtrfs create(String label) throws IOException {
    return create(label, 256);
  }

  public static LoopBtrfs create(String label, int sizeMiB) throws IOException {
    return create(label, sizeMiB, new String[0]);
  }

  /**
   * A fresh btrfs of {@code sizeMiB} made with extra {@code mkfs.btrfs} options, e.g. {@code
   * --mixed} for one below mkfs.btrfs's usual minimum of about 109 MiB.
   */
  public static LoopBtrfs create(String label, int sizeMiB, String... mkfsOptions)
      throws IOException {
    String id = prepare();
    LoopBtrfs fs = new LoopBtrfs(BASE_DIR.resolve("mnt-" + id + "-" + label), imagePath(id));
    try {
      try (RandomAccessFile f = new RandomAccessFile(fs.image.toFile(), "rw")) {
        f.setLength(sizeMiB * 1024L * 1024L); // sparse: costs only what the test writes
      }
      List<String> mkfs = new ArrayList<>(List.of("mkfs.btrfs", "-q"));
      mkfs.addAll(List.of(mkfsOptions));
      mkfs.add(fs.image.toString());
      Commands.run(mkfs.toArray(String[]::new));
      Files.createDirectory(fs.mountPoint);
      Commands.run("mount", "-o", "loop", fs.image.toString(), fs.mountPoint.toString());
    } catch (IOException e) {
      closeAfterFailure(fs, e);
    }
    return fs;
  }

  /** A fresh small tmpfs: a directory that is certainly not on btrfs. */
  public static LoopBtrfs tmpfs(String label) throws IOException {
    LoopBtrfs fs = new LoopBtrfs(BASE_DIR.resolve("mnt-" + prepare() + "-" + label), null);
    try {
      Files.createDirectory(fs.mountPoint);
      Commands.run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", fs.mountPoint.toString());
    } catch (IOException e) {
      closeAfterFailure(fs, e);
    }
    return fs;
  }

  /**
   * Mounts {@code subvolume} of this btrfs (with {@code -o subvol=}) at a new mount point, as
   * distributions mount {@code @} at / and {@code @home} at /home. Close it before this one.
   */
  public LoopBtrfs mountSubvolume(Path subvolume, String label) throws IOException {
    LoopBtrfs fs = new LoopBtrfs(BASE_DIR.resolve("mnt-" + prepare() + "-" + label), null);
    try {
      Files.createDirectory(fs.mountPoint);
      Commands.run(
          "mount",
          "-o",
          "loop,subvol=" + mountPoint.relativize(subvolume),
          image.toString(),
          fs.mountPoint.toString());
    } catch (IOException e) {
      closeAfterFailure(fs, e);
    }
    return fs;
  }

  public Path root() {
    return mountPoint;
  }

  /** Closes every non-null one, even when some fail; the first failure is thrown. */
  public static void closeAll(LoopBtrfs... filesystems) throws IOException {
    IOException first = null;
    for (LoopBtrfs fs : filesystems) {
      try {
        if (fs != null) {
          fs.close();
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Unmounts (lazily if still busy after a few tries), detaches the loop device, deletes. */
  @Override
  public void close() throws IOException {
    unmount(mountPoint);
    if (image != null) {
      detach(image);
      Files.deleteIfExists(image);
    }
    Files.deleteIfExists(mountPoint);
  }

  /** Removes the mounts and images of earlier runs whose JVM is gone. */
  public static synchronized void sweep() throws IOException {
    Files.createDirectories(BASE_DIR);
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(BASE_DIR)) {
      for (Path entry : entries) {
        Matcher m = OURS.matcher(entry.getFileName().toString());
        if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          leftovers.add(entry);
        }
      }
    }
    // Mounts first, so that the images behind them are free when detached.
    leftovers.sort(Comparator.comparing(p -> p.getFileName().toString().startsWith("img-")));
    for (Path entry : leftovers) {
      if (entry.getFileName().toString().startsWith("img-")) {
        detach(entry);
      } else {
        unmount(entry);
      }
      Files.deleteIfExists(entry);
    }
  }

  private static synchronized String prepare() throws IOException {
    if (!swept) {
      sweep();
      swept = true;
    }
    return PID + "-" + COUNTER.incrementAndGet();
  }

  private static Path imagePath(String id) {
    return BASE_DIR.resolve("img-" + id + ".img");
  }

  private static void closeAfterFailure(LoopBtrfs fs, IOException failure) throws IOException {
    try {
      fs.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    throw failure;
  }

  private static void unmount(Path mountPoint) throws IOException {
    for (int attempt = 0; attempt < 5 && isMounted(mountPoint); attempt++) {
      try {
        Commands.run("umount", mountPoint.toString());
      } catch (IOException busy) {
        sleep(200);
      }
    }
    if (isMounted(mountPoint)) {
      Commands.run("umount", "-l", mountPoint.toString());
    }
  }

  /** Detaches every loop device still backed by {@code image}. */
  private static void detach(Path image) throws IOException {
    for (String line : Commands.run("losetup", "-j", image.toString()).lines().toList()) {
      Commands.run("losetup", "-d", line.substring(0, line.indexOf(':')));
    }
  }

  private static boolean isMounted(Path mountPoint) throws IOException {
    // /proc/mounts writes space, tab, newline and backslash as octal escapes.
    String escaped =
        mountPoint
            .toString()
            .replace("\\", "\\134")
            .replace(" ", "\\040")
            .replace("\t", "\\011")
            .replace("\n", "\\012");
    return Files.readAllLines(Path.of("/proc/mounts")).stream()
        .anyMatch(line -> line.split(" ", -1)[1].equals(escaped));
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting", e);
    }
  }
}
