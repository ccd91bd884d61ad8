package backuptool.btrfs;

import backuptool.realbtrfs.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The contract's set-up on real loop-mounted filesystems, made with btrfs-progs and file calls,
 * whichever port (this machine's, or another machine's over ssh) is under test.
 */
abstract class RealFilesystemsContract extends BtrfsContract {
  @Override
  void createSubvolume(Path path) throws IOException {
    Commands.run("btrfs", "subvolume", "create", path.toString());
  }

  @Override
  void writeData(Path volume, String name, String content) throws IOException {
    Files.writeString(volume.resolve(name), content);
  }

  @Override
  void mkdir(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  void createFile(Path file) throws IOException {
    Files.writeString(file, "not a subvolume");
  }

  @Override
  void createSymlink(Path link, Path target) throws IOException {
    Files.createSymbolicLink(link, target);
  }

  @Override
  void writableSnapshot(Path volume, Path path) throws IOException {
    Commands.run("btrfs", "subvolume", "snapshot", volume.toString(), path.toString());
  }

  @Override
  void makeWritable(Path subvolume) throws IOException {
    Commands.run("btrfs", "property", "set", "-f", subvolume.toString(), "ro", "false");
  }

  @Override
  void makeUnreadable(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
  }
}
