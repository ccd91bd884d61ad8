package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input, each in a real process against real btrfs: hostile suffixes and pair
 * names, misuse of the command line, broken configurations, and paths that cannot be used
 * (symlinks, a volume that is no subvolume, a snapshot directory on another filesystem, a target
 * that is not btrfs, the empty mount point of an unplugged disk). For each: the exit code, a
 * fragment of the message, and both btrfs filesystems (and the tmpfs) exactly as before: {@code
 * btrfs subvolume list -a -u -q -R} and every directory entry with its type, size, time and link
 * target. Then the other side: valid paths full of spaces, quotes and shell characters, reached
 * through a symlinked directory, must work end to end.
 */
@Tag("btrfs")
class BadInputTest {
  @TempDir static Path work;

  private static LoopBtrfs src;
  private static LoopBtrfs tgt;
  private static LoopBtrfs plain;
  private static Path vol;
  private static Path snaps;
  private static Path backups;

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    src = LoopBtrfs.create("bad-src", 512);
    tgt = LoopBtrfs.create("bad-tgt", 512);
    plain = LoopBtrfs.tmpfs("bad-plain");
    Path s = src.root();
    Path t = tgt.root();
    vol = s.resolve("vol");
    Commands.run("btrfs", "subvolume", "create", vol.toString());
    TestData.fill(vol, 51);
    snaps = Files.createDirectories(s.resolve("snaps"));
    backups = Files.createDirectories(t.resolve("backups"));
    Files.createDirectories(s.resolve("plain-dir"));
    Files.createDirectories(s.resolve("media/backup-disk"));
    Files.writeString(s.resolve("a-file"), "not a directory\n");
    Files.createSymbolicLink(s.resolve("snaps-link"), Path.of("snaps"));
    Files.createSymbolicLink(s.resolve("vol-link"), Path.of("vol"));
    Files.createDirectories(t.resolve("foreign-snaps"));
    Files.writeString(t.resolve("a-file"), "not a directory\n");
    Files.createSymbolicLink(t.resolve("backups-link"), Path.of("backups"));
    Files.createDirectories(plain.root().resolve("backups"));
    // One snapshot and its backup, so that every side has something to lose.
    BackupLedger.snapshot(vol, snaps, BackupLedger.name(0));
    try (ToolProcess tool = new ToolProcess(work.resolve("setup"))) {
      ToolProcess.Result r =
          tool.run(tool.config("c.toml", good(vol, snaps, backups)), "--backup", "--all");
      assertEquals(0, r.exit(), r.transcript());
    }
  }

  @AfterAll
  static void tearDown() throws IOException {
    LoopBtrfs.closeAll(src, tgt, plain);
  }

  private static String good(Path volume, Path source, Path target) {
    return TestConfigs.pair("good", volume, source, target, 10, 30, 10, 30);
  }

  private static String named(String name) {
    return TestConfigs.pair(name, vol, snaps, backups, 10, 30, 10, 30);
  }

  /** Makes the configuration file of a case in its own directory. */
  private interface ConfigFile {
    Path make(ToolProcess tool, Path dir) throws IOException;
  }

  /** One bad input: its configuration, its arguments, and the exit code and message expected. */
  private record Case(String label, ConfigFile config, List<String> args, int exit, String says) {}

  private final List<Case> cases = new ArrayList<>();
  private final Map<String, Integer> kinds = new LinkedHashMap<>();

  private void add(
      String kind, String label, ConfigFile config, int exit, String says, String... a) {
    cases.add(new Case(kind + ": " + label, config, List.of(a), exit, says));
    kinds.merge(kind, 1, Integer::sum);
  }

  /** A case with the configuration of the one good pair. */
  private void withGood(String kind, String label, int exit, String says, String... args) {
    add(
        kind,
        label,
        (tool, dir) -> tool.config("c.toml", good(vol, snaps, backups)),
        exit,
        says,
        args);
  }

  /** A case whose configuration holds {@code pairs} (with a lock directory of its own). */
  private void withPairs(
      String kind, String label, String pairs, int exit, String says, String... args) {
    add(kind, label, (tool, dir) -> tool.config("c.toml", pairs), exit, says, args);
  }

  /** A case whose configuration file holds exactly {@code text}. */
  private void withFile(String kind, String label, byte[] text, int exit, String says) {
    add(
        kind,
        label,
        (tool, dir) -> Files.write(dir.resolve("c.toml"), text),
        exit,
        says,
        "--backup",
        "--all");
  }

  private void withText(String kind, String label, String text, int exit, String says) {
    withFile(kind, label, text.getBytes(StandardCharsets.UTF_8), exit, says);
  }

  private static final List<String> HOSTILE =
      List.of(
          "a/b",
          "../../etc/passwd",
          "..",
          ".",
          "two words",
          " leading-space",
          "it's",
          "say\"hi\"",
          "a;reboot",
          "a|b",
          "a&b",
          "$HOME",
          "$(reboot)",
          "a>b",
          "a<b",
          "*",
          "a?",
          "[ab]",
          "`id`",
          "line\nbreak",
          "tab\there",
          "back\\slash",
          "a=b",
          "~root",
          "x".repeat(65),
          "y".repeat(5000),
          "\u00e9t\u00e9",
          "\u65e5\u672c",
          "emoji-\ud83d\ude00",
          "");

  private void hostileSuffixes() {
    for (String s : HOSTILE) {
      String says = s.isEmpty() ? "--suffix '' cannot be used: it is empty" : "cannot be used";
      withGood("suffix", shown(s), 2, says, "--snapshot", "--pair", "good", "--suffix=" + s);
    }
    withGood(
        "suffix",
        "'-rf' as a separate word",
        2,
        "argument --suffix: expected one argument",
        "--snapshot",
        "--pair",
        "good",
        "--suffix",
        "-rf");
    withGood(
        "suffix",
        "with --backup",
        2,
        "--suffix can only be used with --snapshot",
        "--backup",
        "--all",
        "--suffix",
        "x");
  }

  private void hostilePairNames() {
    List<String> names = new ArrayList<>(HOSTILE);
    names.addAll(List.of("good/", "good ", "good\n", "GOOD", "go*", "go?d", "[g]ood", "../good"));
    for (String n : names) {
      withGood("--pair", shown(n), 2, "unknown pair", "--backup", "--pair=" + n);
    }
    for (String n : HOSTILE) {
      if (n.equals("y".repeat(5000))) {
        continue; // one over-long name is enough here
      }
      withPairs("name in config", shown(n), named(n), 2, "pair name '", "--backup", "--all");
    }
  }

  private void commandLineMisuse() {
    String kind = "command line";
    withGood(kind, "no verb, no pair", 2, "is required");
    withGood(kind, "--all alone", 2, "one of the arguments --snapshot --backup --purge", "--all");
    withGood(
        kind,
        "no pair",
        2,
        "one of the arguments --pair --all --before-upgrade is required",
        "--backup");
    withGood(
        kind,
        "two verbs",
        2,
        "argument --purge: not allowed with argument --backup",
        "--backup",
        "--purge",
        "--all");
    withGood(
        kind,
        "--pair and --all",
        2,
        "argument --all: not allowed with argument --pair",
        "--backup",
        "--pair",
        "good",
        "--all");
    withGood(
        kind,
        "--pair without a name",
        2,
        "argument --pair: expected one argument",
        "--backup",
        "--pair");
    withGood(
        kind,
        "an abbreviation",
        2,
        "unrecognized option '--snap' (did you mean --snapshot?)",
        "--snap",
        "--all");
    withGood(
        kind, "an extra word", 2, "unrecognized arguments: 'extra'", "--backup", "--all", "extra");
    withGood(
        kind, "an unknown option", 2, "unrecognized arguments: '-x'", "-x", "--backup", "--all");
    withGood(
        kind,
        "a value for a flag",
        2,
        "argument --dry-run: ignore implicit argument 'yes'",
        "--backup",
        "--all",
        "--dry-run=yes");
  }

  private void brokenConfigurations() {
    String kind = "configuration";
    String ok = good(vol, snaps, backups);
    String lock = "[global]\nlock_dir = \"" + work.resolve("locks-broken") + "\"\n\n";
    withText(
        kind,
        "syntax error",
        lock + ok.replace("retention_days = 30", "retention_days = = 30"),
        2,
        "Unexpected '=', expected a value");
    withText(
        kind,
        "unknown key",
        lock + ok.replace("retention_count", "retension_count"),
        2,
        "unknown key 'retension_count' (did you mean 'retention_count'?)");
    withText(
        kind,
        "missing key",
        lock + ok.replaceAll("(?m)^target = .*\n", ""),
        2,
        "backup pair is missing the key 'target'");
    withText(
        kind,
        "wrong type",
        lock + ok.replace("retention_days = 30", "retention_days = \"30\""),
        2,
        "'retention_days' must be a whole number");
    withText(
        kind,
        "relative path",
        lock + ok.replaceAll("(?m)^source = .*$", "source = \"snaps\""),
        2,
        "'source' must be an absolute path (starting with /), not \"snaps\"");
    withText(
        kind,
        "NUL in a path",
        lock + ok.replaceAll("(?m)^target = \"(.*)\"$", "target = \"$1\\\\u0000x\""),
        2,
        "'target' must not contain control characters");
    withText(kind, "duplicate name", lock + ok + "\n" + ok, 2, "duplicate pair name 'good'");
    withText(
        kind,
        "count 0",
        lock + ok.replace("retention_count = 10", "retention_count = 0"),
        2,
        "'retention_count' must be between 1 and 1000000, not 0");
    withText(
        kind,
        "negative days",
        lock + ok.replace("target_retention_days = 30", "target_retention_days = -1"),
        2,
        "'target_retention_days' must be between 0 and 100000, not -1");
    withText(
        kind,
        "source is target",
        lock + good(vol, snaps, snaps),
        2,
        "target must not be the same directory as source");
    withText(
        kind,
        "two pairs share a target",
        lock
            + ok
            + "\n"
            + good(vol, src.root().resolve("plain-dir"), backups)
                .replace("name = \"good\"", "name = \"other\""),
        2,
        "is already the 'target' of pair 'good'");
    withText(
        kind,
        "relative lock_dir",
        "[global]\nlock_dir = \"locks\"\n\n" + ok,
        2,
        "'global.lock_dir' must be an absolute path");
    withText(
        kind,
        "dry_run not a boolean",
        lock.replace("[global]\n", "[global]\ndry_run = \"yes\"\n") + ok,
        2,
        "'global.dry_run' must be true or false");
    withText(kind, "empty file", "", 2, "no backup pairs");
    withFile(
        kind,
        "not UTF-8",
        new byte[] {'#', ' ', (byte) 0xe9, '\n'},
        2,
        "the configuration file is not valid UTF-8 text");
    add(
        kind,
        "a missing file",
        (tool, dir) -> dir.resolve("missing.toml"),
        2,
        "the configuration file does not exist",
        "--backup",
        "--all");
    add(
        kind,
        "a directory",
        (tool, dir) -> Files.createDirectories(dir.resolve("dir.toml")),
        2,
        "the configuration file cannot be read: is a directory",
        "--backup",
        "--all");
  }

  private void unusablePaths() {
    String kind = "path";
    Path s = src.root();
    Path t = tgt.root();
    Path p = plain.root();
    withPairs(
        kind,
        "volume is a plain directory",
        good(s.resolve("plain-dir"), snaps, backups),
        1,
        "is not a btrfs subvolume",
        "--snapshot",
        "--pair",
        "good");
    withPairs(
        kind,
        "volume missing",
        good(s.resolve("no-such-vol"), snaps, backups),
        1,
        "original volume " + s.resolve("no-such-vol") + " does not exist",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "volume is a symlink",
        good(s.resolve("vol-link"), snaps, backups),
        1,
        "is a symbolic link; name the directory it points to",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory on another filesystem",
        good(vol, t.resolve("foreign-snaps"), backups),
        1,
        "is not on the same btrfs filesystem as " + vol,
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory not on btrfs",
        good(vol, p.resolve("backups"), backups),
        1,
        "is on a filesystem of type tmpfs, not btrfs",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory missing",
        good(vol, s.resolve("no-such-dir"), backups),
        1,
        "does not exist (create it with: mkdir -p",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory is a file",
        good(vol, s.resolve("a-file"), backups),
        1,
        "snapshot directory " + s.resolve("a-file") + " is not a directory",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory is a symlink (snapshot)",
        good(vol, s.resolve("snaps-link"), backups),
        1,
        "snapshot directory " + s.resolve("snaps-link") + " is a symbolic link",
        "--snapshot",
        "--all");
    withPairs(
        kind,
        "snapshot directory is a symlink (backup)",
        good(vol, s.resolve("snaps-link"), backups),
        1,
        "snapshot directory " + s.resolve("snaps-link") + " is a symbolic link",
        "--backup",
        "--all");
    withPairs(
        kind,
        "snapshot directory missing (backup)",
        good(vol, s.resolve("no-such-dir"), backups),
        1,
        "does not exist",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target not on btrfs",
        good(vol, snaps, p.resolve("backups")),
        1,
        "backup directory "
            + p.resolve("backups")
            + " is on a filesystem of type tmpfs, not btrfs (is the backup disk mounted?)",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target not on btrfs (purge)",
        good(vol, snaps, p.resolve("backups")),
        1,
        "is on a filesystem of type tmpfs, not btrfs",
        "--purge",
        "--all");
    withPairs(
        kind,
        "target missing",
        good(vol, snaps, t.resolve("no-such-dir")),
        1,
        "does not exist (is the backup disk mounted?",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target is a file",
        good(vol, snaps, t.resolve("a-file")),
        1,
        "backup directory " + t.resolve("a-file") + " is not a directory",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target is a symlink",
        good(vol, snaps, t.resolve("backups-link")),
        1,
        "backup directory " + t.resolve("backups-link") + " is a symbolic link",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target is the empty mount point of an unplugged disk",
        good(vol, snaps, s.resolve("media/backup-disk")),
        1,
        "the backup disk looks unmounted",
        "--backup",
        "--all");
    withPairs(
        kind,
        "target below the mount point of an unplugged disk",
        good(vol, snaps, s.resolve("media/backup-disk/good")),
        1,
        "does not exist (is the backup disk mounted?",
        "--backup",
        "--all");
    withPairs(
        kind,
        "unplugged disk (purge)",
        good(vol, snaps, s.resolve("media/backup-disk")),
        1,
        "the backup disk looks unmounted",
        "--purge",
        "--all");
    withPairs(
        kind,
        "one pair of two unusable (--all)",
        good(vol, snaps, backups)
            + "\n"
            + TestConfigs.pair(
                "bad", vol, s.resolve("plain-dir"), t.resolve("no-such-dir"), 10, 30, 10, 30),
        1,
        "pair bad: backup directory " + t.resolve("no-such-dir") + " does not exist",
        "--backup",
        "--all");
    add(
        kind,
        "lock directory cannot be created",
        (tool, dir) -> {
          Path file = dir.resolve("c.toml");
          Files.writeString(
              file,
              "[global]\nlock_dir = \""
                  + s.resolve("a-file/locks")
                  + "\"\n\n"
                  + good(vol, snaps, backups));
          return file;
        },
        1,
        "cannot lock the pairs in " + s.resolve("a-file/locks"),
        "--backup",
        "--all");
  }

  /** Shows a test input in a case's label: control characters escaped, long ones shortened. */
  private static String shown(String s) {
    String e = s.replace("\n", "\\n").replace("\t", "\\t");
    return "'" + (e.length() > 40 ? e.substring(0, 20) + "...(" + s.length() + " chars)" : e) + "'";
  }

  /**
   * What is on both btrfs filesystems and the tmpfs: every subvolume as btrfs lists it (without the
   * generation: a received subvolume's moves on for a while after the receive, with nothing changed
   * in it) and every entry with its type, size, modification time and link target.
   */
  private static String state() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (LoopBtrfs fs : List.of(src, tgt)) {
      sb.append("== btrfs subvolume list -a -u -q -R ").append(fs.root()).append('\n');
      sb.append(
          Commands.run("btrfs", "subvolume", "list", "-a", "-u", "-q", "-R", fs.root().toString())
              .replaceAll(" gen \\d+ ", " gen * "));
    }
    for (LoopBtrfs fs : List.of(src, tgt, plain)) {
      sb.append("== entries of ").append(fs.root()).append('\n');
      try (Stream<Path> paths = Files.walk(fs.root())) {
        for (Path path : paths.sorted().toList()) {
          BasicFileAttributes a =
              Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          sb.append(fs.root().relativize(path))
              .append(a.isDirectory() ? " dir" : a.isSymbolicLink() ? " link" : " file")
              .append(" size=")
              .append(a.isDirectory() ? "-" : a.size())
              .append(" mtime=")
              .append(a.lastModifiedTime().toMillis());
          if (a.isSymbolicLink()) {
            sb.append(" -> ").append(Files.readSymbolicLink(path));
          }
          sb.append('\n');
        }
      }
    }
    return sb.toString();
  }

  @Test
  void everyBadInputIsRefusedWithItsMessageAndChangesNothing() throws Exception {
    hostileSuffixes();
    hostilePairNames();
    commandLineMisuse();
    brokenConfigurations();
    unusablePaths();

    String before = state();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    // Three at a time (each in a directory and with locks of its own): JVM start-up dominates.
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        Path dir = work.resolve("case-" + i);
        done.add(pool.submit(() -> runCase(c, dir, before, failures)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new AssertionError("a case could not be run", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(before, state(), "the filesystems changed");
    if (!failures.isEmpty()) {
      fail(
          failures.size() + " of " + cases.size() + " bad inputs:\n" + String.join("\n", failures));
    }
    System.out.printf(
        "bad input test: %d bad inputs tried (%s), each refused with its exit code and message,"
            + " both filesystems unchanged%n",
        cases.size(), kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList());
  }

  private static Void runCase(Case c, Path dir, String before, List<String> failures)
      throws IOException {
    try (ToolProcess tool = new ToolProcess(dir)) {
      List<String> argv =
          new ArrayList<>(List.of("--config", c.config().make(tool, dir).toString()));
      argv.addAll(c.args());
      ToolProcess.Result r = tool.startRaw(argv).await();
      List<String> wrong = new ArrayList<>();
      if (r.exit() != c.exit()) {
        wrong.add("exit " + r.exit() + ", expected " + c.exit());
      }
      if (!r.err().contains(c.says())) {
        wrong.add("stderr lacks \"" + c.says() + "\"");
      }
      if (r.err().contains("Exception") || r.err().contains("\tat ")) {
        wrong.add("a stack trace");
      }
      String after = state();
      if (!after.equals(before)) {
        wrong.add("the filesystems changed (while this and the cases next to it ran)");
      }
      if (!wrong.isEmpty()) {
        failures.add(c.label() + ": " + String.join("; ", wrong) + "\n" + r.transcript());
      }
    }
    return null;
  }

  @Test
  void validPathsWithSpacesQuotesAndShellCharactersWorkAlsoThroughASymlink() throws IOException {
    Path s = src.root();
    Path t = tgt.root();
    String odd = " ; $(touch PWNED) `touch PWNED` 'q' \"d\" & | > < * ? [a] {b,c} ~ # ! % = +,";
    Path volume = s.resolve("live volume" + odd + " \u00e9t\u00e9 \u65e5\u672c");
    Commands.run("btrfs", "subvolume", "create", volume.toString());
    TestData.fill(volume, 61);
    Path realParent = Files.createDirectories(s.resolve("real parent" + odd));
    Path snapshots = Files.createDirectories(realParent.resolve("snapshots" + odd));
    // The snapshot directory is reached through a symlinked parent directory.
    Path linkedParent = Files.createSymbolicLink(s.resolve("linked parent"), realParent);
    Path source = linkedParent.resolve(snapshots.getFileName());
    Path target = Files.createDirectories(t.resolve("backups" + odd + " \\ back\\slash"));
    String name = "odd.pair_name-1";
    try (ToolProcess tool = new ToolProcess(work.resolve("valid dir" + odd))) {
      Path config =
          tool.config("c.toml", TestConfigs.pair(name, volume, source, target, 10, 30, 10, 30));
      List<ToolProcess.Result> runs = new ArrayList<>();
      runs.add(tool.run(config, "--snapshot", "--pair=" + name, "--suffix", "first.a_b+c-d"));
      runs.add(tool.run(config, "--backup", "--pair", name, "-v"));
      TestData.change(volume, 62);
      runs.add(tool.run(config, "--snapshot", "--pair", name, "--suffix=second"));
      runs.add(tool.run(config, "--backup", "--all"));
      runs.add(tool.run(config, "--purge", "--pair", name));
      for (ToolProcess.Result r : runs) {
        assertEquals(0, r.exit(), r.transcript());
        assertEquals("", r.err(), r.transcript());
      }
      // -v shows the command lines as a shell would need them.
      assertTrue(
          runs.get(1).out().contains("$ btrfs send '" + linkedParent + "/snapshots ; $(touch"),
          runs.get(1).out());
      assertTrue(runs.get(3).out().contains("incremental from"), runs.get(3).out());
      BackupLedger ledger = new BackupLedger();
      ledger.assertComplete("odd paths", s, snapshots, t, target);
      assertEquals(2, BackupLedger.in(t, target).size());
      for (Path dir : List.of(s, t, work)) {
        try (Stream<Path> all = Files.walk(dir)) {
          assertFalse(
              all.anyMatch(
                  p -> p.getFileName() != null && p.getFileName().toString().equals("PWNED")),
              "a shell ran something");
        }
      }
    }
    System.out.println(
        "bad input test: valid paths with spaces, quotes, shell characters and non-ASCII, through a"
            + " symlinked parent: snapshot, full and incremental backup, purge all worked");
  }
}
