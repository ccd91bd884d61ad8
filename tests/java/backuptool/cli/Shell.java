package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Runs bash scripts of the packaging (completion, man page) the way a user's machine does. */
final class Shell {
  static final Path COMPLETION = Path.of("src/packaging/completion/backup-tool").toAbsolutePath();
  static final Path MAKE_MAN = Path.of("src/packaging/man/make-man.sh").toAbsolutePath();

  private Shell() {}

  /**
   * Runs {@code bash -c script} in dir with args as $1...; asserts exit 0 and nothing on stderr,
   * and returns stdout.
   */
  static String run(Path dir, Map<String, String> env, String script, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash", "--norc", "--noprofile", "-c", script));
    argv.add("bash"); // $0
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getErrorStream().readAllBytes();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    String stderr = new String(err.join(), StandardCharsets.UTF_8);
    assertEquals("", stderr, "stderr of " + argv);
    assertEquals(0, exit, "exit of " + argv + ", stdout: " + out);
    return out;
  }

  /**
   * What the completion offers for a command line: words are COMP_WORDS as bash splits them (at "="
   * too), the last one being completed. Run with nounset, as a user's shell may be.
   */
  static List<String> complete(Path dir, String... words) throws IOException, InterruptedException {
    return completeAt(dir, words.length - 1, words);
  }

  /** The same with the cursor in word number cword (0 is the command), not the last one. */
  static List<String> completeAt(Path dir, int cword, String... words)
      throws IOException, InterruptedException {
    String out =
        run(
            dir,
            Map.of(),
            """
            set -u
            source "$1"
            COMP_CWORD=$2
            shift 2
            COMP_WORDS=("$@")
            _backup_tool backup-tool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            ((${#COMPREPLY[@]} == 0)) || printf '%s\\n' "${COMPREPLY[@]}"
            """,
            concat(List.of(COMPLETION.toString(), Integer.toString(cword)), words));
    return out.lines().toList();
  }

  private static String[] concat(List<String> first, String... rest) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }
}
