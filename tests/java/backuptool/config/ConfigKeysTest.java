package backuptool.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys are looked up as paths: an unknown key with dots, spaces or quotes is found and placed. */
class ConfigKeysTest {
  @TempDir Path tmp;

  @Test
  void unknownKeysWithOddCharactersAreReportedWhereTheyAre() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("backup_config.toml"),
            """
            [global]
            dry_run = true
            "dry.run" = true

            [[backup_pairs]]
            name = "p"
            original_volume = "/vol"
            source = "/snaps"
            target = "/backups"
            retention_days = 1
            retention_count = 1
            target_retention_days = 1
            target_retention_count = 1
              "odd \\" key" = 1
            """);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    assertEquals(
        List.of(
            file + ":3:1: unknown key 'global.dry.run' (did you mean 'dry_run'?)",
            file + ":14:3: unknown key 'odd \" key'"),
        e.errors());
  }
}
