package backuptool.scenarios;

import backuptool.TestConfigs;
import backuptool.btrfs.BtrfsException;
import backuptool.btrfs.FakeBtrfs;
import backuptool.cli.Cli;
import backuptool.cli.Environment;
import backuptool.cli.Interruption;
import backuptool.cli.Privileges;
import backuptool.hosts.Remotes;
import backuptool.journal.MemoryReceiveJournal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A machine as the tests imagine it: a btrfs root filesystem with {@code /home} and snapshot
 * directories under {@code /btrfs/snapshots}, a btrfs backup disk at {@code /backup}, a
 * configuration file, and a clock stopped at {@link #NOW}. Runs the real command line against the
 * fake and returns a transcript for approval.
 */
final class Scenario {
  static final String NOW = "2026-11-22T12:00:00";
  static final Path ROOT_SNAPS = Path.of("/btrfs/snapshots/root");
  static final Path HOME_SNAPS = Path.of("/btrfs/snapshots/home");
  static final Path ROOT_BACKUPS = Path.of("/backup/root");
  static final Path HOME_BACKUPS = Path.of("/backup/home");

  final FakeBtrfs btrfs = new FakeBtrfs();
  final MemoryReceiveJournal journal = new MemoryReceiveJournal();
  final Interruption interruption = Interruption.none();

  /** The journals of other machines, by machine ("nas:22"), when {@link #remote} is on. */
  final Map<String, MemoryReceiveJournal> remoteJournals = new HashMap<>();

  /** Whether runs reach other machines ({@link FakeHosts}), or refuse them. */
  private boolean remote;

  /** Who the run is: root unless a test says otherwise. */
  Privileges privileges = Privileges.root();

  /** When the runs happen: {@link #NOW} unless a test moves it. */
  Instant now = Instant.parse(NOW + "Z");

  /** Whether standard error is the journal's stream, as under systemd: $JOURNAL_STREAM names it. */
  boolean journalStream;

  /**
   * The monotonic clock: each reading is {@link #RUN_STEP} after the one before, so that a run,
   * which reads it when it starts and when it writes its metrics, takes that long.
   */
  final Ticker ticker = new Ticker();

  static final Duration RUN_STEP = Duration.ofMillis(1500);

  /** Readings {@link #RUN_STEP} apart. */
  static final class Ticker {
    private long nanos;

    long next() {
      long now = nanos;
      nanos += RUN_STEP.toNanos();
      return now;
    }
  }

  /**
   * Whether standard error is a terminal (it is not, as under cron, unless a test says so); the
   * transcript then shows each carriage return of the progress line as {@code <CR>}.
   */
  boolean stderrIsTerminal;

  private final Path workDir;
  private String config;
  private int mutationsSeen;

  private Scenario(Path workDir) {
    this.workDir = workDir;
  }

  /** The usual machine: both pairs configured, every directory present and empty. */
  static Scenario standard(Path tempDir) {
    Scenario s = bare(tempDir);
    s.btrfs.mkdirs(ROOT_SNAPS).mkdirs(HOME_SNAPS).mkdirs(ROOT_BACKUPS).mkdirs(HOME_BACKUPS);
    return s;
  }

  /** The filesystems and /home, but none of the snapshot or backup directories. */
  static Scenario bare(Path tempDir) {
    Scenario s = new Scenario(tempDir);
    s.btrfs
        .mount(Path.of("/"), "btrfs")
        .createSubvolume(Path.of("/home"))
        .mount(Path.of("/backup"), "btrfs");
    s.config = config(10, 30, 20, 90);
    return s;
  }

  /** Both pairs with these retentions (source count and days, target count and days). */
  static String config(int count, int days, int targetCount, int targetDays) {
    return pairToml("root", "/", ROOT_SNAPS, ROOT_BACKUPS, count, days, targetCount, targetDays)
        + "\n"
        + pairToml("home", "/home", HOME_SNAPS, HOME_BACKUPS, count, days, targetCount, targetDays);
  }

  static String pairToml(
      String name,
      String volume,
      Path source,
      Path target,
      int count,
      int days,
      int targetCount,
      int targetDays) {
    return TestConfigs.pair(
        name, Path.of(volume), source, target, count, days, targetCount, targetDays);
  }

  /** The configuration file that {@link #run} writes and names. */
  Path configFile() {
    return workDir.resolve("backup_config.toml");
  }

  /** Runs reach the ssh:// sides of the configuration: all on the one fake (see FakeHosts). */
  Scenario remote() {
    remote = true;
    return this;
  }

  Scenario config(String toml) {
    this.config = toml;
    return this;
  }

  /** A read-only snapshot of the pair's volume named {@code name}, as the tool would take it. */
  Scenario snapshot(String pair, String name) {
    Path volume = pair.equals("root") ? Path.of("/") : Path.of("/home");
    try {
      btrfs.snapshot(volume, snaps(pair).resolve(name));
      mutationsSeen = btrfs.mutations().size();
    } catch (BtrfsException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** A completed backup of the pair's snapshot {@code name}, sent in full. */
  Scenario backedUp(String pair, String name) {
    try {
      btrfs.send(snaps(pair).resolve(name), Optional.empty(), backups(pair));
      mutationsSeen = btrfs.mutations().size();
    } catch (BtrfsException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Subvolume {@code path} is deleted, as by hand before the run. */
  Scenario deleted(Path path) {
    try {
      btrfs.delete(List.of(path));
      mutationsSeen = btrfs.mutations().size();
    } catch (BtrfsException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /**
   * The disaster recovery of docs/restore.md for pair home: its disk is lost (the volume and every
   * snapshot), backup {@code name} is received back into the snapshot directory ({@code btrfs send
   * BACKUP | btrfs receive SNAPSHOTS}), and a writable snapshot of it becomes the volume again.
   */
  Scenario restoredFromBackup(String name) {
    Path volume = Path.of("/home");
    try {
      for (var lost : btrfs.list(HOME_SNAPS).subvolumes()) {
        btrfs.delete(List.of(HOME_SNAPS.resolve(lost.name())));
      }
      btrfs.delete(List.of(volume));
      btrfs.send(HOME_BACKUPS.resolve(name), Optional.empty(), HOME_SNAPS);
      btrfs.addWritableSnapshotOf(HOME_SNAPS.resolve(name), volume);
      mutationsSeen = btrfs.mutations().size();
    } catch (BtrfsException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  static Path snaps(String pair) {
    return pair.equals("root") ? ROOT_SNAPS : HOME_SNAPS;
  }

  static Path backups(String pair) {
    return pair.equals("root") ? ROOT_BACKUPS : HOME_BACKUPS;
  }

  /** Runs backup-tool with {@code args} (plus --config) and returns the transcript. */
  String run(String... args) {
    return runWith(true, args);
  }

  /** Runs backup-tool with exactly {@code args}, config file written but not named. */
  String runWithoutConfigOption(String... args) {
    return runWith(false, args);
  }

  /** Runs backup-tool with exactly {@code args}, with no config file in the working directory. */
  String runWithoutConfigOptionAndFile(String... args) {
    return runWith(false, false, args);
  }

  int lastExit;

  /** The last run's standard output alone, e.g. to check a JSON document. */
  String lastStdout;

  private String runWith(boolean withConfig, String... args) {
    return runWith(withConfig, true, args);
  }

  private String runWith(boolean withConfig, boolean writeConfig, String... args) {
    Path file = workDir.resolve("backup_config.toml");
    if (writeConfig) {
      try {
        Files.writeString(file, config);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String[] argv = withConfig ? concat(args, "--config", file.toString()) : args;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    Environment env =
        new Environment(
            btrfs,
            journal,
            clock,
            interruption,
            workDir,
            Path.of("/etc/backup-tool/backup_config.toml"),
            workDir.resolve("locks"),
            privileges,
            journalStream,
            ticker::next,
            stderrIsTerminal,
            remote
                ? (local, localJournal, pairs, stateDir) ->
                    new FakeHosts(btrfs, localJournal, remoteJournals, pairs)
                : Remotes.NONE);
    lastExit =
        Cli.run(
            argv,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    lastStdout = out.toString(StandardCharsets.UTF_8);
    List<String> mutations = btrfs.mutations();
    List<String> changes = mutations.subList(mutationsSeen, mutations.size());
    mutationsSeen = mutations.size();
    String transcript =
        "$ backup-tool "
            + String.join(" ", args)
            + "\n--- exit code: "
            + lastExit
            + "\n--- stdout:\n"
            + out.toString(StandardCharsets.UTF_8)
            + "--- stderr:\n"
            + err.toString(StandardCharsets.UTF_8).replace("\r", "<CR>")
            + "--- btrfs changes:\n"
            + (changes.isEmpty() ? "(none)\n" : String.join("\n", changes) + "\n");
    return transcript.replace(workDir.toString(), "<tmp>");
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
