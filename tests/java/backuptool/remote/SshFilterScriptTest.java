package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh-filter run directly, as sshd would run it (SSH_ORIGINAL_COMMAND in its environment): the
 * script is valid POSIX sh and clean under shellcheck; it reads {@link RemoteShell}'s format the
 * way {@link RemoteShell#split} does, hostile words exactly, and refuses every line that split
 * refuses; a broken authorized_keys entry is its own exit code. No root needed: the real sshd and
 * btrfs are {@link SshFilterTest}'s.
 */
class SshFilterScriptTest {
  private static final String FILTER = SshFilterTest.FILTER.toString();

  @TempDir Path root;

  private record Run(int exit, String stdout, String stderr) {}

  private static Run filter(String command, String... options) throws Exception {
    List<String> argv = new ArrayList<>(List.of(FILTER));
    argv.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"));
    pb.environment().remove("SSH_ORIGINAL_COMMAND");
    if (command != null) {
      pb.environment().put("SSH_ORIGINAL_COMMAND", command);
    }
    return run(pb);
  }

  private static Run run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out, err.join());
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void isPosixShAndCleanUnderShellcheck() throws Exception {
    Run syntax = run(new ProcessBuilder("sh", "-n", FILTER));
    assertEquals(new Run(0, "", ""), syntax);
    if (!new File("/usr/bin/shellcheck").canExecute() && !"true".equals(System.getenv("CI"))) {
      Assumptions.abort("shellcheck is not installed (./build.sh installs it)");
    }
    assertEquals(new Run(0, "", ""), run(new ProcessBuilder("shellcheck", "-s", "sh", FILTER)));
  }

  @Test
  void hostileWordsAreReadExactlyAsRemoteShellWritesThem() throws Exception {
    Path real = root.toRealPath();
    for (String name : RemoteShellTest.HOSTILE) {
      if (name.isEmpty()) {
        continue; // not a file name
      }
      Path file = Files.createFile(real.resolve(name));
      String command = RemoteShell.join(RemoteCommands.realpath(file));
      Run r = filter(command, "--target-root", real.toString());
      assertEquals(new Run(0, file + "\0", ""), r, command);
    }
  }

  @Test
  void everyLineThatSplitRefusesIsRefused() throws Exception {
    for (String line : RemoteShellTest.MALFORMED) {
      if (line.isEmpty() || line.contains("\0")) {
        continue; // no environment variable holds a NUL; empty is "no command", below
      }
      Run r = filter(line, "--target-root", root.toString());
      assertEquals(77, r.exit(), line + ": " + r);
      assertTrue(r.stderr().startsWith("ssh-filter: refused "), r.stderr());
    }
  }

  @Test
  void noCommandIsALoginAttemptAndRefused() throws Exception {
    assertEquals(
        new Run(
            77,
            "",
            "ssh-filter: refused: no command: this key only runs backup-tool's commands, it has no"
                + " shell\n"),
        filter(null, "--target-root", root.toString()));
  }

  @Test
  void aBrokenAuthorizedKeysEntrySaysSo() throws Exception {
    String command = RemoteShell.join(RemoteCommands.readFstab());
    for (String[] options :
        List.of(
            new String[] {},
            new String[] {"--target-root"},
            new String[] {"--target-root", "relative"},
            new String[] {"--target-root", "/"},
            new String[] {"--source-root", "/a/../b"},
            new String[] {"--target-root", "/a/", "--read-only"},
            new String[] {"--target-root", "/a", "--writable"})) {
      Run r = filter(command, options);
      assertEquals(78, r.exit(), List.of(options) + ": " + r);
      assertTrue(
          r.stderr().endsWith("(fix the command=\"...\" option of this key in authorized_keys)\n"),
          r.stderr());
    }
  }

  @Test
  void theRootsMayNotHoldAControlCharacter() throws Exception {
    Run r = filter("'cat' '/etc/fstab'", "--target-root", "/a\nb");
    assertEquals(78, r.exit(), r.toString());
  }
}
