package backuptool.realbtrfs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Deterministic content for a live volume, and a deterministic set of changes to it: every kind of
 * thing a backup must carry (sizes, a large file, hard links, symlinks, extended attributes,
 * permissions, ownership, times).
 */
public final class TestData {
  /** Large enough that a full send is far bigger than an incremental one. */
  public static final int LARGE_FILE_BYTES = 24 * 1024 * 1024;

  private TestData() {}

  /** Fills {@code volume} with the initial content. */
  public static void fill(Path volume, long seed) throws IOException {
    Random random = new Random(seed);
    Files.createDirectories(volume.resolve("etc/conf.d"));
    Files.createDirectories(volume.resolve("home/user/docs"));
    Files.createDirectories(volume.resolve("var/empty"));
    for (int i = 0; i < 40; i++) {
      write(volume.resolve("home/user/docs/file-" + i + ".txt"), random, random.nextInt(9000));
    }
    write(volume.resolve("etc/hostname"), "backup-test\n");
    write(volume.resolve("etc/conf.d/app.conf"), "threads = 4\n");
    write(volume.resolve("empty-file"), "");
    write(volume.resolve("name with spaces & 'quotes'.txt"), "odd names are fine\n");
    write(volume.resolve("unicode-\u00e9t\u00e9-\u65e5\u672c.txt"), "non-ASCII names\n");
    write(volume.resolve("large.bin"), random, LARGE_FILE_BYTES);
    Files.createLink(
        volume.resolve("home/user/docs/hardlink-to-0"),
        volume.resolve("home/user/docs/file-0.txt"));
    Files.createSymbolicLink(volume.resolve("etc/link-to-hostname"), Path.of("hostname"));
    Files.createSymbolicLink(volume.resolve("dangling-link"), Path.of("/does/not/exist"));
    xattr(volume.resolve("etc/hostname"), "backup.test", "first");
    Files.setPosixFilePermissions(
        volume.resolve("etc/conf.d/app.conf"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setAttribute(volume.resolve("home/user"), "unix:uid", 1000);
    Files.setAttribute(volume.resolve("home/user"), "unix:gid", 1000);
    Files.setAttribute(volume.resolve("home/user/docs/file-1.txt"), "unix:uid", 1000);
    Files.setLastModifiedTime(
        volume.resolve("etc/hostname"), FileTime.fromMillis(1_600_000_000_000L));
  }

  /**
   * New, modified, deleted and renamed files, a few changed blocks in the large file, and metadata.
   */
  public static void change(Path volume, long seed) throws IOException {
    Random random = new Random(seed);
    write(volume.resolve("home/user/docs/new-" + seed + ".txt"), random, 5000);
    write(volume.resolve("home/user/docs/file-2.txt"), random, 7000);
    Path docs = volume.resolve("home/user/docs");
    Files.delete(firstOriginal(docs, 10));
    Files.move(
        firstOriginal(docs, 20),
        docs.resolve("renamed-" + seed + ".txt"),
        StandardCopyOption.ATOMIC_MOVE);
    try (RandomAccessFile f = new RandomAccessFile(volume.resolve("large.bin").toFile(), "rw")) {
      byte[] block = new byte[4096];
      random.nextBytes(block);
      f.seek(LARGE_FILE_BYTES / 2);
      f.write(block);
    }
    Path extraLink = volume.resolve("home/user/docs/hardlink-" + seed);
    Files.createLink(extraLink, volume.resolve("home/user/docs/file-5.txt"));
    Path link = volume.resolve("etc/link-to-hostname");
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("conf.d/app.conf"));
    xattr(volume.resolve("etc/hostname"), "backup.test", "changed-" + seed);
    xattr(volume.resolve("home/user/docs/file-6.txt"), "added", "x");
    Files.setPosixFilePermissions(
        volume.resolve("home/user/docs/file-7.txt"), PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(
        volume.resolve("home/user/docs/file-8.txt"), "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Writes {@code bytes} of incompressible data from a fixed-seed generator to {@code file} (about
   * 1 GiB/s): large enough content for a transfer that a test can interrupt half-way.
   */
  public static void randomFile(Path file, long seed, long bytes) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long left = bytes; left > 0; left -= buf.capacity()) {
        buf.clear();
        while (buf.hasRemaining()) {
          buf.putLong(random.nextLong());
        }
        buf.flip();
        buf.limit((int) Math.min(left, buf.capacity()));
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      }
    }
  }

  /** The first of the files made by {@link #fill} numbered from {@code from} that still exists. */
  private static Path firstOriginal(Path docs, int from) {
    for (int i = from; i < 40; i++) {
      Path p = docs.resolve("file-" + i + ".txt");
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no original files left in " + docs);
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void write(Path file, Random random, int bytes) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[65536];
      for (int left = bytes; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, Math.min(left, buf.length));
      }
    }
  }

  private static void xattr(Path file, String name, String value) throws IOException {
    Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
        .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
  }
}
