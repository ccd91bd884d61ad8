package backuptool.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.btrfs.BtrfsCommands;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.RealBtrfs;
import backuptool.model.Subvolume;
import backuptool.realbtrfs.Commands;
import backuptool.realbtrfs.LoopBtrfs;
import backuptool.realbtrfs.RealBtrfsSupport;
import backuptool.ssh.SshServer;
import backuptool.ssh.SshSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The restricted key over a real sshd: authorized_keys forces {@code ssh-filter} with a source
 * root, a target root and a volume on a loop-mounted btrfs. Every command of {@link RemoteCommands}
 * passes and does its job (data checked byte for byte, received uuids); a list of attacks is
 * refused with a message and changes nothing; hostile but legal names are carried exactly.
 */
@Tag("btrfs")
class SshFilterTest {
  static final Path FILTER = Path.of("src/packaging/bin/ssh-filter").toAbsolutePath();

  private static LoopBtrfs remote;
  private static LoopBtrfs local;
  private static SshServer server;
  private static SshClient restricted;
  private static SshClient readOnly;
  private static Path vol;
  private static Path snaps;
  private static Path backups;
  private static Path outside;
  private static Path outsideDir;
  private static Path localVol;
  private static Path localSnaps;
  private static Path pulled;
  private static Path marker;
  private final RealBtrfs btrfs = new RealBtrfs();

  @BeforeAll
  static void start() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    SshSupport.assumeAvailable();
    remote = LoopBtrfs.create("ssh-remote");
    local = LoopBtrfs.create("ssh-local");
    server = SshServer.start();
    Path r = remote.root();
    vol = r.resolve("vol");
    snaps = Files.createDirectory(r.resolve("snaps"));
    backups = Files.createDirectory(r.resolve("backups"));
    outside = r.resolve("outside");
    outsideDir = Files.createDirectory(r.resolve("outside-dir"));
    for (Path p : List.of(vol, outside, outsideDir.resolve("sub"))) {
      Commands.run("btrfs", "subvolume", "create", p.toString());
    }
    Files.write(vol.resolve("data.bin"), random(1 << 20, 1));
    Files.createSymbolicLink(backups.resolve("link"), outsideDir);
    Commands.run("btrfs", "subvolume", "snapshot", "-r", vol.toString(), snaps + "/base");
    localVol = local.root().resolve("vol");
    Commands.run("btrfs", "subvolume", "create", localVol.toString());
    Files.write(localVol.resolve("data.bin"), random(1 << 20, 2));
    localSnaps = Files.createDirectory(local.root().resolve("snaps"));
    pulled = Files.createDirectory(local.root().resolve("pulled"));
    marker = server.dir().resolve("pwned");

    List<String> filter =
        List.of(
            FILTER.toString(),
            "--target-root",
            backups.toString(),
            "--source-root",
            snaps.toString(),
            "--volume",
            vol.toString());
    List<String> readOnlyFilter = new ArrayList<>(filter);
    readOnlyFilter.add("--read-only");
    Path key = server.newClientKey("restricted");
    Path readOnlyKey = server.newClientKey("read-only");
    server.authorize(
        List.of(
            server.authorizedKeysLine(key, SshServer.forcedCommand(filter)),
            server.authorizedKeysLine(readOnlyKey, SshServer.forcedCommand(readOnlyFilter))));
    // One master per key: a master is per host, port and user, whatever the key.
    restricted = new SshClient(server, key, Optional.of(control("r")));
    readOnly = new SshClient(server, readOnlyKey, Optional.of(control("o")));
  }

  private static Path control(String name) throws IOException {
    return Files.createDirectory(server.dir().resolve("cm-" + name));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (server != null) {
        server.close(); // first: its sessions may still use the filesystems
      }
    } finally {
      LoopBtrfs.closeAll(remote, local);
    }
  }

  @Test
  void everyReadingCommandPasses() throws Exception {
    Path base = snaps.resolve("base");
    String uuid = btrfs.show(base).uuid();
    assertContains(ok(RemoteCommands.listReadOnly(snaps)), " uuid " + uuid + " ");
    assertContains(ok(RemoteCommands.listAll(backups)), " path outside-dir/sub\n");
    assertContains(ok(RemoteCommands.showTopLevel(backups)), "Subvolume ID: \t\t5");
    assertContains(ok(RemoteCommands.show(base)), "UUID: \t\t\t" + uuid);
    assertContains(ok(RemoteCommands.show(vol)), "UUID:");
    assertEquals("41ed 256\n", ok(RemoteCommands.stat(base)));
    assertTrue(
        ok(RemoteCommands.stat(backups.resolve("link"))).startsWith("a1ff "), "not followed");
    assertEquals(snaps + "\0", ok(RemoteCommands.realpath(snaps)));
    assertEquals("d\0" + "256\0base\0", ok(RemoteCommands.listDirectory(snaps)));
    assertContains(ok(RemoteCommands.readMountInfo()), " " + remote.root() + " ");
    assertEquals(Files.readString(Path.of("/etc/fstab")), ok(RemoteCommands.readFstab()));
  }

  @Test
  void snapshotOnTheHostThenPullFullAndIncremental() throws Exception {
    Path s1 = snaps.resolve("pull-1");
    Path s2 = snaps.resolve("pull-2");
    ok(RemoteCommands.snapshot(vol, s1));
    Subvolume remote1 = btrfs.show(s1);
    assertTrue(remote1.readOnly());
    assertEquals(Optional.of(btrfs.show(vol).uuid()), remote1.parentUuid());

    restricted.pipe(restricted.argv(RemoteCommands.send(s1, Optional.empty())), receive(pulled));
    Subvolume local1 = btrfs.show(pulled.resolve("pull-1"));
    assertEquals(Optional.of(remote1.uuid()), local1.receivedUuid());
    assertSameBytes(s1.resolve("data.bin"), pulled.resolve("pull-1/data.bin"));

    Files.write(vol.resolve("more.bin"), random(300_000, 3));
    ok(RemoteCommands.snapshot(vol, s2));
    restricted.pipe(restricted.argv(RemoteCommands.send(s2, Optional.of(s1))), receive(pulled));
    Subvolume local2 = btrfs.show(pulled.resolve("pull-2"));
    assertEquals(Optional.of(btrfs.show(s2).uuid()), local2.receivedUuid());
    assertEquals(Optional.of(local1.uuid()), local2.parentUuid(), "received incrementally");
    assertSameBytes(vol.resolve("more.bin"), pulled.resolve("pull-2/more.bin"));
    assertSameBytes(vol.resolve("data.bin"), pulled.resolve("pull-2/data.bin"));

    ok(RemoteCommands.deleteBatches(List.of(s1, s2)).get(0));
    assertFalse(Files.exists(s1) || Files.exists(s2));
  }

  @Test
  void pushFullAndIncrementalThenOneBatchedDelete() throws Exception {
    Path l1 = localSnaps.resolve("push-1");
    Path l2 = localSnaps.resolve("push-2");
    Commands.run("btrfs", "subvolume", "snapshot", "-r", localVol.toString(), l1.toString());
    restricted.pipe(
        BtrfsCommands.send(l1, Optional.empty()), restricted.argv(RemoteCommands.receive(backups)));
    Subvolume b1 = btrfs.show(backups.resolve("push-1"));
    assertTrue(b1.readOnly());
    assertEquals(Optional.of(btrfs.show(l1).uuid()), b1.receivedUuid());
    assertSameBytes(l1.resolve("data.bin"), backups.resolve("push-1/data.bin"));

    Files.write(localVol.resolve("more.bin"), random(200_000, 4));
    Commands.run("btrfs", "subvolume", "snapshot", "-r", localVol.toString(), l2.toString());
    restricted.pipe(
        BtrfsCommands.send(l2, Optional.of(l1)), restricted.argv(RemoteCommands.receive(backups)));
    Subvolume b2 = btrfs.show(backups.resolve("push-2"));
    assertEquals(Optional.of(btrfs.show(l2).uuid()), b2.receivedUuid());
    assertEquals(Optional.of(b1.uuid()), b2.parentUuid(), "received incrementally");
    assertSameBytes(l2.resolve("more.bin"), backups.resolve("push-2/more.bin"));

    List<List<String>> batches =
        RemoteCommands.deleteBatches(List.of(backups.resolve("push-1"), backups.resolve("push-2")));
    assertEquals(1, batches.size());
    ok(batches.get(0));
    assertFalse(Files.exists(backups.resolve("push-1")) || Files.exists(backups.resolve("push-2")));
  }

  /** An attempt at something the key must not do. */
  private interface Attempt {
    SshServer.Result run() throws IOException;
  }

  @Test
  void attacksAreRefusedWithAMessageAndChangeNothing() throws Exception {
    String list = "'btrfs' 'subvolume' 'list' '-a' '-c' '-u' '-q' '-R' '" + backups + "'";
    Map<String, Attempt> attempts = new LinkedHashMap<>();
    attempts.put("another directory", () -> restricted.run(RemoteCommands.show(outside)));
    attempts.put(
        "a .. path", () -> restricted.run(RemoteCommands.show(Path.of(snaps + "/../outside"))));
    attempts.put(
        "a .. path to delete",
        () -> restricted.run(BtrfsCommands.delete(List.of(Path.of(backups + "/../outside")))));
    attempts.put("a shell command", () -> restricted.raw("id"));
    attempts.put("a quoted shell command", () -> restricted.run(List.of("id")));
    attempts.put("sh -c", () -> restricted.run(List.of("sh", "-c", "touch " + marker)));
    attempts.put(
        "receive into /etc", () -> restricted.run(RemoteCommands.receive(Path.of("/etc"))));
    attempts.put(
        "receive into /etc without -C",
        () -> restricted.run(List.of("btrfs", "receive", "-q", "/etc")));
    attempts.put(
        "delete outside the root", () -> restricted.run(BtrfsCommands.delete(List.of(outside))));
    attempts.put(
        "delete the root itself", () -> restricted.run(BtrfsCommands.delete(List.of(backups))));
    attempts.put(
        "delete through a link out of the root",
        () -> restricted.run(BtrfsCommands.delete(List.of(backups.resolve("link/sub")))));
    attempts.put(
        "receive into a link out of the root",
        () -> restricted.run(RemoteCommands.receive(backups.resolve("link"))));
    attempts.put(
        "snapshot of what is not a volume",
        () -> restricted.run(RemoteCommands.snapshot(outside, snaps.resolve("x"))));
    attempts.put(
        "snapshot onto an existing name (btrfs would put it inside)",
        () -> restricted.run(RemoteCommands.snapshot(vol, snaps.resolve("base"))));
    attempts.put(
        "snapshot into the target root",
        () -> restricted.run(RemoteCommands.snapshot(vol, backups.resolve("x"))));
    attempts.put(
        "send from the target root",
        () -> restricted.run(RemoteCommands.send(backups.resolve("link"), Optional.empty())));
    attempts.put("an injected ;", () -> restricted.raw(list + ";touch " + marker));
    attempts.put(
        "an injected ; and word", () -> restricted.raw(list + " ; 'touch' '" + marker + "'"));
    attempts.put("an injected newline", () -> restricted.raw(list + "\ntouch " + marker));
    attempts.put("an injected $()", () -> restricted.raw(list + " $(touch " + marker + ")"));
    attempts.put("an injected backquote", () -> restricted.raw(list + " `touch " + marker + "`"));
    attempts.put("an injected &&", () -> restricted.raw("'btrfs' 'version' && touch " + marker));
    attempts.put("unquoted words", () -> restricted.raw("btrfs subvolume list " + backups));
    attempts.put("a double-quoted word", () -> restricted.raw("'btrfs' \"version\""));
    attempts.put(
        "send -f writes a file",
        () ->
            restricted.run(
                List.of(
                    "btrfs", "send", "-f", marker.toString(), snaps.resolve("base").toString())));
    attempts.put(
        "an unknown receive option",
        () -> restricted.run(List.of("btrfs", "receive", "-q", "-C", "-e", backups.toString())));
    attempts.put("a word after the path", () -> restricted.raw(list + " '" + backups + "'"));
    attempts.put(
        "find -delete",
        () ->
            restricted.run(
                List.of(
                    "find",
                    "-H",
                    backups.toString(),
                    "-mindepth",
                    "1",
                    "-maxdepth",
                    "1",
                    "-delete")));
    attempts.put("cat another file", () -> restricted.run(List.of("cat", "/etc/shadow")));
    attempts.put(
        "btrfs property set",
        () ->
            restricted.run(
                List.of(
                    "btrfs", "property", "set", snaps.resolve("base").toString(), "ro", "false")));
    attempts.put("no command (a login shell)", restricted::noCommand);
    attempts.put(
        "sudo of a shell", () -> restricted.run(List.of("sudo", "-n", "--", "sh", "-c", "id")));
    attempts.put(
        "sudo of cat", () -> restricted.run(List.of("sudo", "-n", "--", "cat", "/etc/fstab")));
    attempts.put(
        "sudo without -n",
        () ->
            restricted.run(
                List.of("sudo", "--", "btrfs", "receive", "-q", "-C", backups.toString())));
    attempts.put(
        "sudo of btrfs receive into /etc",
        () -> restricted.run(SshArgv.withSudo(RemoteCommands.receive(Path.of("/etc")))));
    attempts.put(
        "sudo of delete outside the root",
        () -> restricted.run(SshArgv.withSudo(BtrfsCommands.delete(List.of(outside)))));
    attempts.put(
        "sudo of btrfs with the read-only key",
        () -> readOnly.run(SshArgv.withSudo(RemoteCommands.receive(backups))));
    attempts.put(
        "delete with the read-only key",
        () -> readOnly.run(BtrfsCommands.delete(List.of(snaps.resolve("base")))));
    attempts.put(
        "snapshot with the read-only key",
        () -> readOnly.run(RemoteCommands.snapshot(vol, snaps.resolve("ro"))));
    attempts.put(
        "receive with the read-only key", () -> readOnly.run(RemoteCommands.receive(backups)));

    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Attempt> attempt : attempts.entrySet()) {
      String before = fingerprint();
      SshServer.Result result = attempt.getValue().run();
      String after = fingerprint();
      String why = attempt.getKey() + ": " + result;
      if (result.exit() != 77) {
        wrong.add("not refused (exit " + result.exit() + "): " + why);
      } else if (!result.stderr().startsWith("ssh-filter: refused")
          || result.stderr().lines().count() != 1
          || !result.stdout().isEmpty()) {
        wrong.add("not one line on stderr: " + why);
      }
      if (!before.equals(after) || Files.exists(marker)) {
        wrong.add("changed something: " + why);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void theReadOnlyKeyReadsAndSends() throws Exception {
    SshServer.Result r = readOnly.run(RemoteCommands.listReadOnly(snaps));
    assertEquals(0, r.exit(), r.toString());
    Path into = Files.createDirectory(local.root().resolve("pulled-read-only"));
    readOnly.pipe(
        readOnly.argv(RemoteCommands.send(snaps.resolve("base"), Optional.empty())), receive(into));
    assertSameBytes(snaps.resolve("base/data.bin"), into.resolve("base/data.bin"));
    SshServer.Result refused = readOnly.run(RemoteCommands.receive(backups));
    assertEquals(
        "ssh-filter: refused 'btrfs' 'receive' '-q' '-C' '"
            + backups
            + "': this key is --read-only\n",
        refused.stderr());
  }

  @Test
  void hostileButLegalNamesAreCarriedExactly() throws Exception {
    // A remote shell would run these in the remote user's home directory (no '/' in a name).
    Path home = Path.of(System.getProperty("user.home"));
    String touch = "touch pwned-by-ssh-test";
    String name = "a b;$(" + touch + ")`" + touch + "`&|<>*?\"\\~#!{x,y} %s";
    Path dir = Files.createDirectory(snaps.resolve(name));
    Path snapshot = dir.resolve("snap $HOME");
    ok(RemoteCommands.snapshot(vol, snapshot));
    assertTrue(btrfs.show(snapshot).readOnly(), "made where it was named");
    assertTrue(
        ok(RemoteCommands.show(snapshot))
            .startsWith(remote.root().relativize(snapshot).toString() + "\n"));
    assertEquals("d\0" + "256\0snap $HOME\0", ok(RemoteCommands.listDirectory(dir)));
    assertEquals("41ed 256\n", ok(RemoteCommands.stat(snapshot)));
    ok(RemoteCommands.deleteBatches(List.of(snapshot)).get(0));
    assertFalse(Files.exists(snapshot));
    assertFalse(Files.exists(home.resolve("pwned-by-ssh-test")), "nothing in the name was run");
  }

  @Test
  void whatTheFormatCannotCarryIsRefusedBeforeAnythingRuns() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> restricted.argv(RemoteCommands.show(snaps.resolve("it's"))));
    assertTrue(e.getMessage().contains("single quote"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> restricted.argv(RemoteCommands.show(snaps.resolve("new\nline"))));
    assertTrue(e.getMessage().contains("\\n"), e.getMessage());
  }

  /** Runs {@code remote} over the restricted key and returns its stdout; it must succeed. */
  private static String ok(List<String> remote) throws IOException {
    SshServer.Result r = restricted.run(remote);
    assertEquals(0, r.exit(), () -> remote + ": " + r);
    return r.stdout();
  }

  private static List<String> receive(Path dir) {
    return List.of("btrfs", "receive", "-q", dir.toString());
  }

  /**
   * Everything on the remote filesystem (paths, types, sizes, times, btrfs's list of subvolumes
   * with their flags and generations) and the names in /etc.
   */
  private static String fingerprint() throws IOException, BtrfsException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> paths = Files.walk(remote.root())) {
      for (Path p : paths.sorted().toList()) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        sb.append(p).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime());
        sb.append(' ').append(a.isSymbolicLink() ? Files.readSymbolicLink(p) : "").append('\n');
      }
    }
    sb.append(
        Commands.run(
            "btrfs",
            "subvolume",
            "list",
            "-a",
            "-c",
            "-u",
            "-q",
            "-R",
            "-g",
            remote.root().toString()));
    sb.append(Commands.run("btrfs", "property", "get", snaps.resolve("base").toString(), "ro"));
    try (Stream<Path> etc = Files.list(Path.of("/etc"))) {
      etc.map(Path::toString).sorted().forEach(n -> sb.append(n).append('\n'));
    }
    return sb.toString();
  }

  private static void assertContains(String text, String part) {
    assertTrue(text.contains(part), () -> "no " + part + " in:\n" + text);
  }

  private static void assertSameBytes(Path expected, Path actual) throws IOException {
    assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual.toString());
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
