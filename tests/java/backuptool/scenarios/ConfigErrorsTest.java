package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every broken configuration stops the run with exit 2, all its errors and nothing changed. */
class ConfigErrorsTest {
  @TempDir Path tmp;

  private static final String ROOT =
      Scenario.pairToml("root", "/", Scenario.ROOT_SNAPS, Scenario.ROOT_BACKUPS, 10, 30, 20, 90);

  private static Map<String, String> brokenConfigs() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("TOML syntax error", ROOT.replace("retention_days = 30", "retention_days = = 30"));
    c.put(
        "unknown key, with a suggestion",
        ROOT.replace(
            "retention_count = 10",
            "retension_count = 10\nretention_count = 10\ncolour = \"blue\""));
    c.put("missing key", ROOT.replace("target = \"/backup/root\"\n", ""));
    c.put(
        "wrong types",
        ROOT.replace("retention_days = 30", "retention_days = \"30\"")
            .replace("name = \"root\"", "name = 7"));
    c.put(
        "relative paths",
        ROOT.replace("source = \"/btrfs/snapshots/root\"", "source = \"btrfs/snapshots/root\"")
            .replace("original_volume = \"/\"", "original_volume = \"\""));
    c.put(
        "duplicate name",
        ROOT
            + "\n"
            + ROOT.replace("/btrfs/snapshots/root", "/btrfs/snapshots/root2")
                .replace("/backup/root", "/backup/root2"));
    c.put("count 0", ROOT.replace("target_retention_count = 20", "target_retention_count = 0"));
    c.put("negative days", ROOT.replace("retention_days = 30", "retention_days = -1"));
    c.put("bad name characters", ROOT.replace("name = \"root\"", "name = \"root/../etc\""));
    c.put(
        "source equal to target",
        ROOT.replace("target = \"/backup/root\"", "target = \"/btrfs/snapshots/root/\""));
    c.put(
        "two pairs sharing a directory",
        ROOT
            + "\n"
            + ROOT.replace("name = \"root\"", "name = \"other\"")
                .replace("/backup/root", "/backup/other"));
    c.put("empty file", "");
    c.put("only comments", "# nothing configured yet\n");
    c.put("global is not a table", "global = 1\n" + ROOT);
    c.put("unknown global key", "[global]\nverbose = true\ndry_run = \"yes\"\n\n" + ROOT);
    c.put(
        "a newline in a path",
        ROOT.replace("source = \"/btrfs/snapshots/root\"", "source = \"/btrfs/snap\\nshots\""));
    c.put("relative lock directory", "[global]\nlock_dir = \"locks\"\n\n" + ROOT);
    c.put(
        "backup_pairs written as a single table",
        ROOT.replace("[[backup_pairs]]", "[backup_pairs]"));
    c.put(
        "many errors at once",
        ROOT.replace("retention_days = 30", "retention_days = -5")
                .replace("retention_count = 10", "retention_count = 0")
                .replace("target = \"/backup/root\"", "target = \"backup\"")
            + "extra = 1\n");
    c.put(
        "a number too large", ROOT.replace("retention_days = 30", "retention_days = 99999999999"));
    c.put(
        "snapshot_before_upgrade not a boolean",
        ROOT.replace("name = \"root\"\n", "name = \"root\"\nsnapshot_before_upgrade = \"yes\"\n"));
    c.put(
        "a metrics file that the textfile collector would not read",
        "[global]\nmetrics_file = \"/etc/fstab\"\n\n" + ROOT);
    return c;
  }

  @Test
  void eachBrokenConfigIsReportedWithItsPositionAndExit2() throws IOException {
    StringBuilder all = new StringBuilder();
    int n = 0;
    for (Map.Entry<String, String> e : brokenConfigs().entrySet()) {
      Scenario s = Scenario.standard(tmp).config(e.getValue());
      String transcript = s.run("--backup", "--all");
      assertEquals(2, s.lastExit, e.getKey());
      all.append("=== ").append(++n).append(". ").append(e.getKey()).append('\n');
      all.append("--- backup_config.toml:\n")
          .append(e.getValue())
          .append(e.getValue().endsWith("\n") || e.getValue().isEmpty() ? "" : "\n");
      all.append(transcript).append('\n');
    }
    Approvals.verify(all.toString());
  }

  @Test
  void unreadableAndMissingFiles() throws IOException {
    Scenario s = Scenario.standard(tmp).config(ROOT);
    Path dir = Files.createDirectories(tmp.resolve("a-directory.toml"));
    Path invalidUtf8 = tmp.resolve("latin1.toml");
    Files.write(invalidUtf8, new byte[] {'#', ' ', (byte) 0xe9, '\n'});
    StringBuilder all = new StringBuilder();
    for (String config :
        new String[] {
          dir.toString(), tmp.resolve("missing.toml").toString(), invalidUtf8.toString()
        }) {
      all.append(s.runWithoutConfigOption("--backup", "--all", "--config", config)).append('\n');
      assertEquals(2, s.lastExit, config);
    }
    Files.delete(tmp.resolve("backup_config.toml"));
    all.append(s.runWithoutConfigOptionAndFile("--backup", "--all"));
    assertEquals(2, s.lastExit);
    Approvals.verify(all.toString());
  }
}
