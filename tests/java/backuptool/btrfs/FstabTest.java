package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FstabTest {
  private final Fstab fstab =
      Fstab.parse(
          List.of(
              "# /etc/fstab: static file system information.",
              "UUID=1234 / btrfs defaults,subvol=@ 0 0",
              "UUID=5678 /mnt/backup btrfs noauto,nofail 0 0",
              "UUID=9abc /mnt/backup/offsite btrfs noauto 0 0",
              "LABEL=usb /media/my\\040disk btrfs noauto 0 0",
              "",
              "/swapfile none swap sw 0 0"));

  @Test
  void findsTheLongestListedMountPointAboveAPathButNeverTheRoot() {
    assertEquals(
        Optional.of(Path.of("/mnt/backup")), fstab.mountPointAbove(Path.of("/mnt/backup/root")));
    assertEquals(
        Optional.of(Path.of("/mnt/backup")), fstab.mountPointAbove(Path.of("/mnt/backup")));
    assertEquals(
        Optional.of(Path.of("/mnt/backup/offsite")),
        fstab.mountPointAbove(Path.of("/mnt/backup/offsite/home")));
    assertEquals(
        Optional.of(Path.of("/media/my disk")), fstab.mountPointAbove(Path.of("/media/my disk/x")));
    assertEquals(
        Optional.empty(),
        fstab.mountPointAbove(Path.of("/mnt/backups")),
        "a name prefix is not a parent");
    assertEquals(
        Optional.empty(), fstab.mountPointAbove(Path.of("/srv/backup")), "only / is above it");
  }
}
