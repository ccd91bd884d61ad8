package backuptool.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubvolumeShowParserTest {
  /** As btrfs-progs 6.2 prints it for a backup that was received and then made writable. */
  private static final String SHOW =
      """
      backups/2026-11-20T10:00:00
      \tName: \t\t\t2026-11-20T10:00:00
      \tUUID: \t\t\tb26e3cd2-bdb8-8140-88f6-1939fae318fe
      \tParent UUID: \t\t-
      \tReceived UUID: \t\t-
      \tCreation time: \t\t2026-11-22 02:31:00 +0000
      \tSubvolume ID: \t\t259
      \tGeneration: \t\t11
      \tGen at creation: \t8
      \tFlags: \t\t\t-
      \tSend transid: \t\t0
      \tReceive transid: \t11
      \tSnapshot(s):
      """;

  @Test
  void readsTheUuidsAndTheReceiveTransid() throws BtrfsException {
    SubvolumeShowParser.Shown shown = SubvolumeShowParser.parse(SHOW);
    assertEquals("b26e3cd2-bdb8-8140-88f6-1939fae318fe", shown.uuid());
    assertEquals(Optional.empty(), shown.receivedUuid());
    assertEquals(11, shown.receiveTransid());
    assertEquals(
        Optional.of("251b0a26-c940-e74a-8d3a-eba7ff037fe4"),
        SubvolumeShowParser.parse(
                SHOW.replace(
                    "Received UUID: \t\t-",
                    "Received UUID: \t\t251b0a26-c940-e74a-8d3a-eba7ff037fe4"))
            .receivedUuid());
  }

  @Test
  void missingLinesAreAnError() {
    assertThrows(BtrfsException.class, () -> SubvolumeShowParser.parse("ERROR: not a subvolume\n"));
  }

  @Test
  void aMissingLineIsNamedInWords() {
    BtrfsException e =
        assertThrows(
            BtrfsException.class,
            () -> SubvolumeShowParser.parse(SHOW.replace("\tParent UUID: \t\t-\n", "")));
    assertEquals("btrfs subvolume show printed no \"Parent UUID\" line", e.getMessage());
  }
}
