package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion (src/packaging/completion/backup-tool), driven in a real bash. */
class CompletionTest {
  @TempDir Path tmp;

  /** Three pairs, written as people do; only the names of [[backup_pairs]] tables count. */
  private static final String CONFIG =
      """
      # name = "commented-out"
      [global]
      name = "not-a-pair"
      dry_run = false

      [[backup_pairs]]
      name = "root"
      original_volume = "/"

        [[ backup_pairs ]]   # the second one
          name="home"    # a comment after it
      #   name = "ghost"
      source = "/x"

      [[backup_pairs]]
      target = "/backup/var.log"
      name	=   'var.log_2'
      """;

  @Test
  void registersItselfForTheCommand() throws Exception {
    String out =
        Shell.run(
            tmp, Map.of(), "source \"$1\"; complete -p backup-tool", Shell.COMPLETION.toString());
    assertEquals("complete -F _backup_tool backup-tool\n", out);
  }

  @Test
  void optionsCompleteFromAPrefix() throws Exception {
    assertEquals(List.of("--backup"), Shell.complete(tmp, "backup-tool", "--ba"));
    assertEquals(
        List.of("--verbose", "--version"), Shell.complete(tmp, "backup-tool", "--all", "--ver"));
    assertEquals(List.of("--dry-run"), Shell.complete(tmp, "backup-tool", "--d"));
  }

  @Test
  void optionsGivenAlreadyAreNotOfferedAgainButPairIs() throws Exception {
    List<String> offered =
        Shell.complete(tmp, "backup-tool", "--backup", "--pair", "x", "--dry-run", "--");
    assertEquals(false, offered.contains("--backup"), offered.toString());
    assertEquals(false, offered.contains("--dry-run"), offered.toString());
    assertEquals(true, offered.contains("--pair"), offered.toString());
    assertEquals(true, offered.contains("--purge"), offered.toString());
  }

  @Test
  void pairCompletesTheNamesOfTheConfigGivenWithConfig() throws Exception {
    Path config = writeConfig(tmp.resolve("my config.toml"));
    String file = config.toString();
    assertEquals(
        List.of("root", "home", "var.log_2"),
        Shell.complete(tmp, "backup-tool", "--backup", "--config", file, "--pair", ""));
    assertEquals(
        List.of("var.log_2"),
        Shell.completeAt(tmp, 2, "backup-tool", "--pair", "v", "--config", file, "--backup"));
    // --config=FILE as bash splits it at "=", and quoted as typed
    assertEquals(
        List.of("home"), Shell.complete(tmp, "backup-tool", "--config", "=", file, "--pair", "h"));
    assertEquals(
        List.of("root"),
        Shell.complete(tmp, "backup-tool", "--config", "'" + file + "'", "--pair", "r"));
  }

  @Test
  void pairEqualsFormCompletes() throws Exception {
    String file = writeConfig(tmp.resolve("c.toml")).toString();
    // bash splits "--pair=ho" into "--pair" "=" "ho", and "--pair=" into "--pair" "="
    assertEquals(
        List.of("home"),
        Shell.complete(tmp, "backup-tool", "--config", file, "--backup", "--pair", "=", "ho"));
    assertEquals(
        List.of("root", "home", "var.log_2"),
        Shell.complete(tmp, "backup-tool", "--config", file, "--backup", "--pair", "="));
    // where "=" does not break words, the word is the whole "--pair=..."
    assertEquals(
        List.of("--pair=root"),
        Shell.complete(tmp, "backup-tool", "--config", file, "--backup", "--pair=r"));
  }

  @Test
  void withoutConfigOptionTheLocalConfigIsUsed() throws Exception {
    writeConfig(tmp.resolve("backup_config.toml"));
    assertEquals(
        List.of("root", "home", "var.log_2"),
        Shell.complete(tmp, "backup-tool", "--purge", "--pair", ""));
  }

  @Test
  void aMissingOrUnreadableConfigCompletesNothingAndSaysNothing() throws Exception {
    assertEquals(
        List.of(),
        Shell.complete(tmp, "backup-tool", "--config", "nosuch.toml", "--backup", "--pair", ""));
    assertEquals(
        List.of(), Shell.complete(tmp, "backup-tool", "--config", tmp.toString(), "--pair", "="));
    Files.writeString(tmp.resolve("broken.toml"), "[[backup_pairs]\nname = \"unclosed\n\0\n");
    assertEquals(
        List.of(), Shell.complete(tmp, "backup-tool", "--config", "broken.toml", "--pair", ""));
  }

  @Test
  void configCompletesFilesAndSuffixAndWaitNothing() throws Exception {
    Files.createFile(tmp.resolve("site.toml"));
    Files.createFile(tmp.resolve("other"));
    assertEquals(List.of("site.toml"), Shell.complete(tmp, "backup-tool", "--config", "si"));
    assertEquals(List.of("site.toml"), Shell.complete(tmp, "backup-tool", "--config", "=", "si"));
    assertEquals(List.of(), Shell.complete(tmp, "backup-tool", "--snapshot", "--suffix", ""));
    assertEquals(List.of(), Shell.complete(tmp, "backup-tool", "--wait", ""));
    assertEquals(List.of(), Shell.complete(tmp, "backup-tool", "--all", "--", "--"));
  }

  private static Path writeConfig(Path file) throws IOException {
    return Files.writeString(file, CONFIG);
  }
}
