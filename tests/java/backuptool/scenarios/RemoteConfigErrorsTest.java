package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.TestConfigs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken ssh:// sides and [ssh] settings stop the run with exit 2 and every error at its position,
 * as every configuration error does.
 */
class RemoteConfigErrorsTest {
  @TempDir Path tmp;

  private static String pair(String name, String volume, String source, String target) {
    return TestConfigs.pair(name, volume, source, target, 10, 30, 20, 90);
  }

  private static final String PUSH =
      pair("root", "/", "/btrfs/snapshots/root", "ssh://backup@nas/srv/backup/laptop");

  private static Map<String, String> brokenConfigs() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(
        "URLs that are not locations",
        pair("a", "/", "/btrfs/snapshots/root", "ssh://nas")
            + "\n"
            + pair("b", "/", "/btrfs/snapshots/b", "ssh://nas:backup/b")
            + "\n"
            + pair("c", "/", "/btrfs/snapshots/c", "ssh://-oProxyCommand=x/backup")
            + "\n"
            + pair("d", "/", "/btrfs/snapshots/d", "ssh://nas/backup/it's")
            + "\n"
            + pair("e", "/", "/btrfs/snapshots/e", "ssh://nas/backup/../etc")
            + "\n"
            + pair("f", "/", "/btrfs/snapshots/f", "ssh://user:secret@nas:99999/~/backup")
            + "\n"
            + pair("g", "/", "/btrfs/snapshots/g", "nas:/backup/g"));
    c.put(
        "the volume and its snapshots on different machines",
        pair("root", "/", "ssh://nas/btrfs/snapshots/root", "/backup/root")
            + "\n"
            + pair("home", "ssh://nas/home", "ssh://other@nas/snaps/home", "/backup/home"));
    c.put(
        "both sides on other machines",
        pair("root", "ssh://web/", "ssh://web/snaps", "ssh://nas/backup/web"));
    c.put(
        "two machines' pairs sharing one directory on the server",
        PUSH
            + "\n"
            + pair("home", "/home", "/btrfs/snapshots/home", "ssh://root@NAS:22/srv/backup/laptop/")
            + "\n"
            + pair("other", "/home", "/btrfs/snapshots/other", "ssh://nas:2222/srv/backup/laptop"));
    c.put(
        "bad [ssh] settings",
        "[ssh]\n"
            + "identity_file = \"id_ed25519\"\n"
            + "port = 0\n"
            + "user = \"-l\"\n"
            + "connect_timout = 5\n"
            + "cipher = \"aes128-gcm@openssh.com; rm -rf /\"\n"
            + "sudo = 1\n"
            + "extra_options = [\"BatchMode=no\", \"Compression yes\"]\n"
            + "stall_timeout = 0\n"
            + "accept_new_host_keys = \"yes\"\n\n"
            + PUSH);
    c.put(
        "a pair's own ssh table",
        pair("root", "/", "/btrfs/snapshots/root", "/backup/root")
            + "\n[backup_pairs.ssh]\nport = 2222\n\n"
            + PUSH.replace("root", "laptop")
            + "\n[backup_pairs.ssh]\nstall_timeout = \"10m\"\nidentity = \"/root/.ssh/id\"\n"
            + "extra_options = \"-C\"\n");
    c.put("ssh is not a table", "ssh = \"nas\"\n\n" + PUSH);
    return c;
  }

  @Test
  void eachBrokenRemoteConfigIsReportedWithItsPositionAndExit2() {
    StringBuilder all = new StringBuilder();
    int n = 0;
    for (Map.Entry<String, String> e : brokenConfigs().entrySet()) {
      Scenario s = Scenario.standard(tmp).config(e.getValue());
      String transcript = s.run("--backup", "--all");
      assertEquals(2, s.lastExit, e.getKey());
      all.append("=== ").append(++n).append(". ").append(e.getKey()).append('\n');
      all.append("--- backup_config.toml:\n").append(e.getValue()).append('\n');
      all.append(transcript).append('\n');
    }
    Approvals.verify(all.toString());
  }
}
