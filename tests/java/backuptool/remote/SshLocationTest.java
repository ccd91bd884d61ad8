package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SshLocationTest {
  private static SshLocation valid(String url) {
    SshLocation.Parsed parsed = SshLocation.parse(url);
    assertEquals(List.of(), parsed.problems(), url);
    return parsed.location().orElseThrow();
  }

  private static List<String> problems(String url) {
    SshLocation.Parsed parsed = SshLocation.parse(url);
    assertFalse(parsed.location().isPresent(), () -> url + " was accepted");
    return parsed.problems();
  }

  @Test
  void fullForm() {
    assertEquals(
        new SshLocation(Optional.of("backup"), "server.example", OptionalInt.of(2222), "/b/laptop"),
        valid("ssh://backup@server.example:2222/b/laptop"));
  }

  @Test
  void userAndPortAreOptional() {
    assertEquals(
        new SshLocation(Optional.empty(), "nas", OptionalInt.empty(), "/srv/backup"),
        valid("ssh://nas/srv/backup"));
  }

  @Test
  void addressesAndIpv6InBrackets() {
    assertEquals("10.0.0.7", valid("ssh://10.0.0.7/b").host());
    SshLocation v6 = valid("ssh://root@[2001:db8::1]:22/b");
    assertEquals("2001:db8::1", v6.host());
    assertEquals(OptionalInt.of(22), v6.port());
    assertEquals("ssh://root@[2001:db8::1]:22/b", v6.toString());
  }

  @Test
  void thePathIsNormalisedAndTakenAsWritten() {
    assertEquals("/b/laptop", valid("ssh://h//b/./laptop/").path());
    assertEquals("/", valid("ssh://h/").path());
    // No percent-decoding and no fragment: these are names of directories.
    assertEquals("/my backups/#1 %20 $(x);`y`", valid("ssh://h/my backups/#1 %20 $(x);`y`").path());
    assertEquals("ssh://u@h:2/a/b", valid("ssh://u@h:2//a/b/").toString());
  }

  @Test
  void eachMistakeIsNamedWithWhatToWrite() {
    assertEquals(
        List.of("no path: write the absolute path after the host, e.g. ssh://host/backup/laptop"),
        problems("ssh://host"));
    assertEquals(
        List.of("no host: write ssh://host/path (with the host's name or address)"),
        problems("ssh:///backup"));
    assertTrue(problems("ssh://host:backup/laptop").get(0).contains("scp's host:path form"));
    assertTrue(problems("ssh://host:0/b").get(0).contains("not a number from 1 to 65535"));
    assertTrue(problems("ssh://host:65536/b").get(0).contains("not a number from 1 to 65535"));
    assertTrue(problems("ssh://host:/b").get(0).contains("the port after ':' is empty"));
    assertTrue(problems("ssh://host/a/../b").get(0).contains("'..' component"));
    assertTrue(problems("ssh://host/~/backup").get(0).contains("starts with '~'"));
    assertTrue(problems("ssh://-oProxyCommand=x/b").get(0).contains("not first '-'"));
    assertTrue(problems("ssh://u:secret@host/b").get(0).contains("password"));
    assertTrue(problems("ssh://@host/b").get(0).contains("user before '@' is empty"));
    assertTrue(problems("ssh://[2001:db8::1/b").get(0).contains("no closing ']'"));
    assertTrue(problems("/local/path").get(0).contains("not an ssh:// location"));
  }

  @Test
  void charactersThatCannotBePassedAreRefusedVisibly() {
    assertEquals(
        List.of(
            "the path '/b/it\\'s' contains a single quote ('), which backup-tool does not pass to a"
                + " remote shell"),
        problems("ssh://h/b/it's"));
    assertTrue(problems("ssh://h/b/new\nline").get(0).contains("'/b/new\\nline'"));
    assertTrue(problems("ssh://h/b/nul\u0000").get(0).contains("\\x00"));
  }

  @Test
  void everyProblemAtOnce() {
    List<String> all = problems("ssh://-bad:x@:99999/a/../it's");
    assertEquals(5, all.size(), all.toString());
    assertTrue(all.get(0).contains("password"), all.toString());
    assertTrue(all.get(1).contains("no host"), all.toString());
    assertTrue(all.get(2).contains("65535"), all.toString());
    assertTrue(all.get(3).contains("single quote"), all.toString());
    assertTrue(all.get(4).contains("'..'"), all.toString());
  }
}
