package backuptool.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.approvaltests.Approvals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root run refuses a configuration file or lock directory that another user could change (exit 2,
 * nothing done), and says what to fix. The files are real; btrfs is the fake.
 */
class TrustScenariosTest {
  @TempDir Path tmp;

  private static UserPrincipal nobody() throws IOException {
    return Path.of("/")
        .getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
  }

  private String refused(Scenario s) {
    String run = s.run("--snapshot", "--all");
    assertEquals(2, s.lastExit, run);
    assertEquals(true, run.endsWith("--- btrfs changes:\n(none)\n"), run);
    return run;
  }

  @Test
  void aConfigurationThatAnotherUserCouldChangeIsRefused() throws IOException {
    StringBuilder all = new StringBuilder();

    Scenario writable = Scenario.standard(Files.createDirectory(tmp.resolve("a")));
    writable.run("--snapshot", "--all", "--dry-run"); // writes the file
    Files.setPosixFilePermissions(
        writable.configFile(), PosixFilePermissions.fromString("rw-rw-rw-"));
    all.append(refused(writable)).append('\n');

    Scenario owned = Scenario.standard(Files.createDirectory(tmp.resolve("b")));
    owned.run("--snapshot", "--all", "--dry-run");
    Files.setOwner(owned.configFile(), nobody());
    all.append(refused(owned)).append('\n');

    Path groupWritable = Files.createDirectory(tmp.resolve("c"));
    Scenario inGroupDir = Scenario.standard(Files.createDirectory(groupWritable.resolve("etc")));
    Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rwxrwxr-x"));
    all.append(refused(inGroupDir)).append('\n');

    Path othersDir = Files.createDirectory(tmp.resolve("d"));
    Scenario inOthersDir = Scenario.standard(othersDir);
    Files.setOwner(othersDir, nobody());
    all.append(refused(inOthersDir));

    Approvals.verify(all.toString().replace(tmp.toString(), "<junit>"));
  }

  @Test
  void aRootOwnedConfigurationInAStickyDirectoryIsFine() throws IOException, InterruptedException {
    Path sticky = Files.createDirectory(tmp.resolve("sticky"));
    // Java cannot set the sticky bit itself.
    assertEquals(0, new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor());
    Scenario s = Scenario.standard(sticky);
    s.run("--snapshot", "--all", "--dry-run");
    assertEquals(0, s.lastExit);
  }

  @Test
  void aStateDirectoryThatAnotherUserCouldChangeIsRefused() throws IOException {
    Scenario s = Scenario.standard(tmp);
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Files.setOwner(shared, nobody());
    String pairs = Scenario.config(10, 30, 20, 90);
    // Not there yet: the directory it would be made in decides.
    s.config("[global]\nstate_dir = \"" + shared.resolve("state") + "\"\n\n" + pairs);
    String missing = refused(s);
    Path own = Files.createDirectory(tmp.resolve("own"));
    s.config("[global]\nstate_dir = \"" + own.resolve("state") + "\"\n\n" + pairs);
    s.run("--snapshot", "--all", "--dry-run");
    assertEquals(0, s.lastExit, "a root-owned place is fine");
    Approvals.verify(missing.replace(tmp.toString(), "<junit>"));
  }

  @Test
  void aLockDirectoryThatAnotherUserCouldChangeIsRefused() throws IOException {
    StringBuilder all = new StringBuilder();
    Scenario s = Scenario.standard(tmp);
    Path locks = Files.createDirectory(tmp.resolve("locks"));

    Files.setPosixFilePermissions(locks, PosixFilePermissions.fromString("rwxrwxrwx"));
    all.append(refused(s)).append('\n');

    Files.setPosixFilePermissions(locks, PosixFilePermissions.fromString("rwx------"));
    Files.setOwner(locks, nobody());
    all.append(refused(s)).append('\n');
    String dry = s.run("--snapshot", "--all", "--dry-run");
    assertEquals(2, s.lastExit, dry);
    all.append(dry).append('\n');

    Files.delete(locks);
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(locks, elsewhere);
    all.append(refused(s)).append('\n');

    Files.delete(locks);
    Files.createDirectory(
        locks, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
    Files.createSymbolicLink(locks.resolve("root.lock"), victim);
    all.append(refused(s));
    assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");

    Approvals.verify(all.toString());
    assertEquals(0, s.btrfs.mutations().size(), "nothing was changed");
  }

  @Test
  void theToolCreatesItsLockDirectoryAndFilesPrivate() throws IOException {
    Scenario s = Scenario.standard(tmp);
    s.run("--snapshot", "--all");
    assertEquals(0, s.lastExit);
    Path locks = tmp.resolve("locks");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(locks)));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(locks.resolve("root.lock"))));
  }
}
