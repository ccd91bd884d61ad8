package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.Mounts.Mount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountsTest {
  private final Mounts mounts =
      Mounts.parse(
          List.of(
              "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
              "43 27 0:39 / /mnt/top rw,relatime shared:1 - btrfs /dev/loop0 rw,subvol=/",
              "44 27 0:39 /@home /home rw,relatime - btrfs /dev/loop0 rw,subvol=/@home",
              "45 27 0:40 / /var/tmp/a\\040b rw - btrfs /dev/loop1 rw",
              "46 27 0:41 / /var/tmp/a\\040b rw - tmpfs tmpfs rw"));

  @Test
  void theLongestMountPointWinsAndTheLatestOfStackedMounts() throws BtrfsException {
    assertEquals("/dev/vda", mounts.containing(Path.of("/mnt")).source());
    assertEquals("/dev/loop0", mounts.containing(Path.of("/mnt/top/x")).source());
    assertEquals("tmpfs", mounts.containing(Path.of("/var/tmp/a b/c")).fsType());
    assertEquals("/dev/vda", mounts.containing(Path.of("/var/tmp/a")).source());
  }

  @Test
  void pathsInTheFilesystemStartAtTheMountedRoot() throws BtrfsException {
    Mount home = mounts.containing(Path.of("/home/me/snaps"));
    assertEquals("@home/me/snaps", home.pathInFilesystem(Path.of("/home/me/snaps")));
    assertEquals("@home", home.pathInFilesystem(Path.of("/home")));
    assertEquals(
        "x", mounts.containing(Path.of("/mnt/top")).pathInFilesystem(Path.of("/mnt/top/x")));
  }

  @Test
  void mountPointsAreUnescaped() {
    assertTrue(mounts.isMountPoint(Path.of("/var/tmp/a b")));
    assertFalse(mounts.isMountPoint(Path.of("/var/tmp")));
    assertEquals("a\tb\\c\nd", Mounts.unescape("a\\011b\\134c\\012d"));
    assertEquals("\\04", Mounts.unescape("\\04"));
  }

  @Test
  void aPathOutsideEveryMountIsAnError() {
    Mounts none = Mounts.parse(List.of("43 27 0:39 / /mnt rw - btrfs /dev/loop0 rw"));
    assertThrows(BtrfsException.class, () -> none.containing(Path.of("/etc")));
  }
}
