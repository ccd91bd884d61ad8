package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import backuptool.cli.Privileges;
import java.nio.file.Path;
import java.util.List;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line surface: help, version, and every misuse (exit 2, nothing changed). */
class CommandLineTest {
  @TempDir Path tmp;

  @Test
  void help() {
    Scenario s = Scenario.standard(tmp);
    Approvals.verify(s.runWithoutConfigOption("--help"));
    assertEquals(0, s.lastExit);
  }

  @Test
  void version() {
    Scenario s = Scenario.standard(tmp);
    String transcript = s.runWithoutConfigOption("--version");
    assertEquals(0, s.lastExit);
    assertEquals(true, transcript.contains("backup-tool 0.1.0"), transcript);
  }

  @Test
  void everyMisuseIsExit2AndChangesNothing() {
    List<List<String>> misuses =
        List.of(
            List.of(),
            List.of("--all"),
            List.of("--backup"),
            List.of("--backup", "--purge", "--all"),
            List.of("--backup", "--pair", "root", "--all"),
            List.of("--backup", "--pair"),
            List.of("--backup", "--all", "--suffix", "x"),
            List.of("--purge", "--all", "--suffix=x"),
            List.of("--snapshot", "--all", "--suffix", "a/b"),
            List.of("--snapshot", "--all", "--suffix", ".."),
            List.of("--snapshot", "--all", "--suffix", "two words"),
            List.of("--snapshot", "--all", "--suffix", "x".repeat(65)),
            List.of("--snapshot", "--all", "--suffix", "$(reboot)"),
            List.of("--snapshot", "--all", "--suffix", "line\nbreak"),
            List.of("--snapshot", "--all", "--suffix="),
            List.of("--snap", "--all"),
            List.of("--backup", "--all", "--verbos"),
            List.of("--backup", "--all", "extra"),
            List.of("--backup", "--pair", "nosuch"),
            List.of("--backup", "--pair="),
            List.of("-x", "--backup", "--all"),
            List.of("--snapshot", "--all", "--suffix", "a", "--suffix", "b"),
            List.of("--backup", "--all", "--config", "a.toml", "--config=b.toml"),
            List.of("--backup", "--all", "--dry-run", "--dry-run"),
            List.of("--backup", "--all", "-v", "--verbose"),
            List.of("--backup", "--all", "-v", "-q"),
            List.of("--backup", "--all", "--wait", "-1"),
            List.of("--backup", "--all", "--wait", "soon"),
            List.of("--backup", "--all", "--wait", "86401"),
            List.of("--backup", "--pair", "root", "--pair", "nosuch", "--pair", "other"),
            List.of("--backup", "--before-upgrade"),
            List.of("--snapshot", "--all", "--before-upgrade"));
    Scenario s = Scenario.standard(tmp);
    StringBuilder all = new StringBuilder();
    for (List<String> args : misuses) {
      all.append(s.run(args.toArray(String[]::new))).append('\n');
      assertEquals(2, s.lastExit, args.toString());
    }
    Approvals.verify(all.toString());
  }

  @Test
  void severalPairsRunInConfigOrderEachOnce() {
    Scenario s = Scenario.standard(tmp);
    String run = s.run("--snapshot", "--pair", "home", "--pair=root", "--pair", "home");
    assertEquals(0, s.lastExit);
    Approvals.verify(run);
  }

  @Test
  void withoutRootItSaysSoFirstAndDoesNothing() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    s.privileges = new Privileges(1000, false);
    String backup = s.run("--backup", "--all");
    assertEquals(2, s.lastExit);
    String dry = s.run("--purge", "--all", "--dry-run");
    assertEquals(2, s.lastExit);
    Approvals.verify(backup + "\n" + dry);
  }

  @Test
  void bothArgumentFormsWork() {
    Scenario s = Scenario.standard(tmp).snapshot("root", "2026-11-20T10:00:00");
    String a = s.run("--backup", "--pair=root", "--dry-run");
    String b = s.run("--backup", "--pair", "root", "--dry-run");
    assertEquals(a.replace("--pair=root", "--pair root"), b);
    assertEquals(0, s.lastExit);
  }
}
