package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import backuptool.btrfs.SubvolumeListParser.Listed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
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

  private static String line(int id, String receivedUuid, String uuid, String path) {
    return "ID "
        + id
        + " gen 9 cgen 9 top level 5 parent_uuid - received_uuid "
        + receivedUuid
        + " uuid "
        + uuid
        + " path "
        + path
        + "\n";
  }

  @Test
  void aReadOnlyLineCountsOnlyWhenTheFullListShowsTheSameSubvolumeOnce() throws BtrfsException {
    String real = line(300, "-", UUID_A, "snaps/w");
    String forger = "ID 301 gen 9 cgen 9 top level 5 parent_uuid - received_uuid - uuid " + UUID_B;
    String forged = line(999, UUID_B, UUID_A, "snaps/w");
    String kept = line(302, "-", "0693eeb3-7828-8647-b98c-67e76650910b", "snaps/kept");

    // The forger's name "x\nID 999 ... path snaps/w" is read as its own line in either list.
    String readOnly = forger + " path home/x\n" + forged + kept;
    String all = real + forger + " path home/x\n" + forged + kept;
    assertEquals(
        List.of("home/x", "snaps/kept"),
        SubvolumeListParser.confirmed(readOnly, all).keySet().stream().sorted().toList());
    // Renamed between the listings: the full list has only the real line, which differs.
    String renamed = real + forger + " path home/y\n" + kept;
    assertEquals(
        List.of("snaps/kept"),
        SubvolumeListParser.confirmed(readOnly, renamed).keySet().stream().sorted().toList());
  }

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

  /** The pattern the parser used before it read lines by hand: both must agree on every line. */
  private static final Pattern FORMER =
      Pattern.compile(
          "ID \\d+ gen \\d+ cgen (\\d+) top level \\d+ parent_uuid (\\S+) +received_uuid (\\S+)"
              + " +uuid (\\S+) path (.+)");

  @Test
  void readsExactlyTheLinesTheFormerPatternMatched() throws BtrfsException {
    List<String> bits =
        List.of(" ", "  ", "\t", "\r", "\u2028", "\u00a0", "0", "9", "x", "-", "\u0660", "path ");
    Random random = new Random(12);
    String good = line(300, "backups/a b");
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(good);
      for (int k = random.nextInt(3); k >= 0; k--) {
        int at = random.nextInt(b.length() + 1);
        if (random.nextBoolean() && at < b.length()) {
          b.deleteCharAt(at);
        } else {
          b.insert(at, bits.get(random.nextInt(bits.size())));
        }
      }
      String mutated = b.toString();
      var m = FORMER.matcher(mutated);
      Map<String, Listed> got;
      try {
        got = SubvolumeListParser.parse(line(256, "first") + "\n" + mutated + "\n");
      } catch (BtrfsException e) {
        // Only a second subvolume line with the first one's path is refused.
        assertEquals(true, m.matches() && m.group(5).equals("first"), mutated);
        continue;
      }
      if (m.matches()) {
        String path = m.group(5).startsWith("<FS_TREE>/") ? m.group(5).substring(10) : m.group(5);
        assertEquals(2, got.size(), mutated);
        Listed l = got.get(path);
        assertEquals(m.group(4), l.uuid(), mutated);
        assertEquals(Long.parseLong(m.group(1)), l.generation(), mutated);
        assertEquals(
            m.group(2).equals("-") ? Optional.empty() : Optional.of(m.group(2)), l.parentUuid());
        assertEquals(
            m.group(3).equals("-") ? Optional.empty() : Optional.of(m.group(3)), l.receivedUuid());
      } else {
        assertEquals(Map.of("first\n" + mutated, got.get("first\n" + mutated)), got, mutated);
      }
    }
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
