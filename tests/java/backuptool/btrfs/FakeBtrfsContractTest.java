package backuptool.btrfs;

import java.nio.file.Path;

class FakeBtrfsContractTest extends BtrfsContract {
  private final FakeBtrfs fake =
      new FakeBtrfs()
          .mount(Path.of("/source"), "btrfs")
          .mount(Path.of("/target"), "btrfs")
          .mount(Path.of("/plain"), "ext4");

  @Override
  Btrfs btrfs() {
    return fake;
  }

  @Override
  Path sourceFs() {
    return Path.of("/source");
  }

  @Override
  Path targetFs() {
    return Path.of("/target");
  }

  @Override
  Path plainFs() {
    return Path.of("/plain");
  }

  @Override
  void createSubvolume(Path path) {
    fake.createSubvolume(path);
  }

  @Override
  void writeData(Path volume, String name, String content) {}

  @Override
  void mkdir(Path dir) {
    fake.mkdirs(dir);
  }

  @Override
  void createFile(Path file) {
    fake.createFile(file);
  }

  @Override
  void createSymlink(Path link, Path target) {
    fake.createSymlink(link, target);
  }

  @Override
  void writableSnapshot(Path volume, Path path) {
    fake.addWritableSnapshotOf(volume, path);
  }

  @Override
  void makeWritable(Path subvolume) {
    fake.makeWritable(subvolume);
  }

  @Override
  void makeUnreadable(Path dir) {
    fake.makeUnreadable(dir);
  }
}
