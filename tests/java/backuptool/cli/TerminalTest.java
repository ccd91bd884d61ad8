package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {
  @Test
  void terminalDevicesAreTerminals() {
    for (String device :
        List.of(
            "/dev/pts/0", "/dev/pts/17", "/dev/tty1", "/dev/tty", "/dev/ttyS0", "/dev/console")) {
      assertTrue(Terminal.isTerminalDevice(device), device);
    }
  }

  @Test
  void pipesSocketsFilesAndNullAreNot() {
    for (String target :
        List.of(
            "pipe:[123456]",
            "socket:[98765]",
            "/dev/null",
            "/var/log/backup.log",
            "/dev/pts/",
            "/dev/pts/0/x",
            "/tmp/dev/pts/1",
            "anon_inode:[eventfd]")) {
      assertFalse(Terminal.isTerminalDevice(target), target);
    }
  }

  @Test
  void followsTheDescriptorsLink(@TempDir Path dir) throws IOException {
    Path toFile = Files.createSymbolicLink(dir.resolve("2"), Path.of("/var/log/x.log"));
    Path toPts = Files.createSymbolicLink(dir.resolve("3"), Path.of("/dev/pts/4"));
    assertFalse(Terminal.isTerminal(toFile));
    assertTrue(Terminal.isTerminal(toPts));
    assertFalse(Terminal.isTerminal(dir.resolve("missing")), "no descriptor, no terminal");
  }
}
