package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.BtrfsCommands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteCommandsTest {
  @Test
  void theBtrfsCommandsAreTheLocalOnesButReceive() {
    Path p = Path.of("/b/x");
    assertEquals(BtrfsCommands.listReadOnly(p), RemoteCommands.listReadOnly(p));
    assertEquals(BtrfsCommands.show(p), RemoteCommands.show(p));
    assertEquals(
        List.of("btrfs", "send", "-p", "/s/1", "/s/2"),
        RemoteCommands.send(Path.of("/s/2"), Optional.of(Path.of("/s/1"))));
    assertEquals(
        List.of("btrfs", "receive", "-q", "-C", "/b"), RemoteCommands.receive(Path.of("/b")));
  }

  @Test
  void deletesAreBatchedBelowTheCommandLimitInOrder() {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      paths.add(Path.of("/backup/laptop/2026-11-" + i + "T10:00:00-with-a-longer-suffix"));
    }
    List<List<String>> batches = RemoteCommands.deleteBatches(paths);
    assertTrue(batches.size() > 1, "3000 paths of ~50 bytes need more than one batch");
    List<String> all = new ArrayList<>();
    for (List<String> batch : batches) {
      assertEquals(List.of("btrfs", "subvolume", "delete"), batch.subList(0, 3));
      int bytes = RemoteShell.join(batch).getBytes(StandardCharsets.UTF_8).length;
      assertTrue(bytes <= RemoteCommands.MAX_COMMAND_BYTES, bytes + " bytes");
      all.addAll(batch.subList(3, batch.size()));
    }
    assertEquals(paths.stream().map(Path::toString).toList(), all);
    assertEquals(
        List.of(List.of("btrfs", "subvolume", "delete", "/a", "/b")),
        RemoteCommands.deleteBatches(List.of(Path.of("/a"), Path.of("/b"))));
    assertEquals(List.of(), RemoteCommands.deleteBatches(List.of()));
  }

  @Test
  void aPathThatCannotBeQuotedIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RemoteCommands.deleteBatches(List.of(Path.of("/b/it's"))));
  }
}
