package backuptool.realbtrfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tree described line by line, sorted by path: type, permissions, owner, size, modification time,
 * SHA-256 of the content, symlink target, user extended attributes, and which paths share an inode
 * (hard links). Two trees with equal manifests are equal byte for byte, metadata included;
 * comparing the text gives a readable diff when they are not.
 */
public final class TreeManifest {
  private TreeManifest() {}

  public static String of(Path root) throws IOException {
    Map<String, String> lines = new TreeMap<>();
    Map<Object, String> firstPathOfInode = new TreeMap<>(); // inode -> first path seen, sorted walk
    List<Path> paths = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            paths.add(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            paths.add(file);
            return FileVisitResult.CONTINUE;
          }
        });
    paths.sort(null);
    for (Path p : paths) {
      String relative = root.relativize(p).toString();
      String rel = relative.isEmpty() ? "." : relative;
      Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      StringBuilder line = new StringBuilder(rel);
      boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      boolean link = Files.isSymbolicLink(p);
      line.append(dir ? " dir" : link ? " symlink" : " file");
      line.append(' ')
          .append(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
      line.append(" mode=").append(Integer.toOctalString((Integer) a.get("mode") & 07777));
      line.append(" owner=").append(a.get("uid")).append(':').append(a.get("gid"));
      if (!link && !rel.equals(".")) {
        // Not the subvolume's own root: an incremental receive leaves its mtime at the time of
        // the receive (btrfs send does not carry it), which says nothing about the data.
        line.append(" mtime=").append(a.get("lastModifiedTime"));
      }
      if (!link) {
        line.append(xattrs(p));
      }
      if (link) {
        line.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (!dir) {
        line.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
        if ((Integer) a.get("nlink") > 1) {
          String first = firstPathOfInode.computeIfAbsent(a.get("ino").toString(), k -> rel);
          line.append(" hardlink-group=").append(first);
        }
      }
      lines.put(rel, line.toString());
    }
    return String.join("\n", lines.values()) + "\n";
  }

  private static String xattrs(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    List<String> names = new ArrayList<>(view.list());
    names.sort(null);
    StringBuilder sb = new StringBuilder();
    for (String name : names) {
      ByteBuffer buf = ByteBuffer.allocate(view.size(name));
      view.read(name, buf);
      sb.append(" xattr:user.")
          .append(name)
          .append('=')
          .append(HexFormat.of().formatHex(buf.array()));
    }
    return sb.toString();
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
