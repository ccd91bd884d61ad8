package backuptool.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped backup_config.toml, the reference for every key, loads as it is, and so it does with
 * every optional key that it shows commented out ("# key = value") switched on.
 */
class ShippedConfigTest {
  private static final Path SHIPPED = Path.of("backup_config.toml");

  @TempDir Path tmp;

  @Test
  void loadsAsShipped() throws Exception {
    Config config = ConfigLoader.load(SHIPPED);
    assertEquals(2, config.pairs().size());
    assertTrue(config.metricsFile().isEmpty());
  }

  @Test
  void loadsWithEveryCommentedOutKeySwitchedOn() throws Exception {
    String on = Files.readString(SHIPPED).replaceAll("(?m)^# ([a-z_]+ = .*)$", "$1");
    Path file = Files.writeString(tmp.resolve("backup_config.toml"), on);
    Config config = ConfigLoader.load(file);
    assertEquals(
        Path.of("/var/lib/prometheus/node-exporter/backup-tool.prom"),
        config.metricsFile().orElseThrow());
    assertEquals(Path.of("/run/backup-tool"), config.lockDir().orElseThrow());
    assertEquals(Duration.ofHours(26), config.pairs().get(0).staleAfter());
  }
}
