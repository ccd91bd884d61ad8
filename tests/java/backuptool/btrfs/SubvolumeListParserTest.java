package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import backuptool.btrfs.SubvolumeListParser.Listed;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubvolumeListParserTest {
  private static final String UUID_A = "9d28319d-dcee-b144-af59-aa053ff51136";
  private static final String UUID_B = "bc4fb6b9-2a62-e841-945f-4c64b62632ef";

  /** Output of btrfs-progs 6.2 "subvolume list -a -c -u -q -R" on a mount of subvolume vol. */
  private static final String OUTPUT =
      "ID 256 gen 8 cgen 7 top level 5 parent_uuid -"
          + " ".repeat(36)
          + "received_uuid -"
          + " ".repeat(36)
          + "uuid "
          + UUID_A
          + " path <FS_TREE>/vol\n"
          + "ID 258 gen 7 cgen 9 top level 256 parent_uuid "
          + UUID_A
          + " received_uuid "
          + UUID_B
          + " uuid 0693eeb3-7828-8647-b98c-67e76650910b path vol/snaps/2026-01-01 with space\n";

  @Test
  void parsesIdentityAndFullPaths() throws BtrfsException {
    Map<String, Listed> listed = SubvolumeListParser.parse(OUTPUT);

    assertEquals(
        new Listed("vol", UUID_A, Optional.empty(), Optional.empty(), 7), listed.get("vol"));
    assertEquals(
        new Listed(
            "vol/snaps/2026-01-01 with space",
            "0693eeb3-7828-8647-b98c-67e76650910b",
            Optional.of(UUID_A),
            Optional.of(UUID_B),
            9),
        listed.get("vol/snaps/2026-01-01 with space"));
    assertEquals(2, listed.size());
  }

  @Test
  void anEmptyListIsEmpty() throws BtrfsException {
    assertEquals(Map.of(), SubvolumeListParser.parse(""));
  }

  @Test
  void anUnexpectedLineIsAnError() {
    assertThrows(BtrfsException.class, () -> SubvolumeListParser.parse("ID 256 gen 8 path x\n"));
  }

  @Test
  void aNewlineInANameContinuesThePath() throws BtrfsException {
    String out =
        line(257, "snaps/evil") + "\nname\n" + line(258, "snaps/2026-11-20T10:00:00") + "\n";
    Map<String, SubvolumeListParser.Listed> parsed = SubvolumeListParser.parse(out);
    assertEquals(
        java.util.Set.of("snaps/evil\nname", "snaps/2026-11-20T10:00:00"), parsed.keySet());
  }

  @Test
  void aNameThatPosesAsAnotherSubvolumesLineIsRefused() {
    // A subvolume named "x\n<a forged line for a real backup>" must not replace the real line.
    String forged = line(999, "backups/2026-11-20T10:00:00");
    String out =
        line(257, "backups/x")
            + "\n"
            + forged
            + "\n"
            + line(258, "backups/2026-11-20T10:00:00")
            + "\n";
    assertThrows(BtrfsException.class, () -> SubvolumeListParser.parse(out));
  }

  private static String line(int id, String path) {
    return "ID "
        + id
        + " gen 9 cgen "
        + id
        + " top level 5 parent_uuid -                                    received_uuid -       "
        + "                             uuid 00000000-0000-0000-0000-000000000"
        + id
        + " path "
        + path;
  }
}
