package backuptool.realbtrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import backuptool.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup disk too small for the next backup: the transfer fills it up half-way (ENOSPC), twice in
 * a row, and then a run starts on a disk that is already full. Each time the run exits 1 with a
 * message naming the pair, the target and the cause; no partial subvolume stays; the earlier backup
 * and the source are untouched; and another pair of the same run, on a roomy disk, is backed up all
 * the same.
 */
@Tag("btrfs")
class FullDiskTest {
  /** The tiny disk's size: below mkfs.btrfs's usual minimum, hence --mixed. */
  private static final int TINY_MIB = 160;

  @TempDir static Path work;

  private static LoopBtrfs source;
  private static LoopBtrfs tiny;
  private static LoopBtrfs roomy;
  private static ToolProcess tool;

  @BeforeAll
  static void setUp() throws IOException {
    RealBtrfsSupport.assumeAvailable();
    source = LoopBtrfs.create("full-src", 1024);
    tiny = LoopBtrfs.create("full-tiny", TINY_MIB, "--mixed");
    roomy = LoopBtrfs.create("full-roomy", 512);
    // Commit every second, so that the space of a removed partial is free again within a second
    // or two (btrfs frees a deleted subvolume's space in the background, after a commit).
    Commands.run("mount", "-o", "remount,commit=1", tiny.root().toString());
    tool = new ToolProcess(work.resolve("tool"));
  }

  @AfterAll
  static void tearDown() throws IOException {
    try {
      if (tool != null) {
        tool.close();
      }
    } finally {
      LoopBtrfs.closeAll(source, tiny, roomy);
    }
  }

  @Test
  void aTargetThatFillsUpMidTransferTwiceInARowAndOneAlreadyFull() throws IOException {
    BackupLedger ledger = new BackupLedger();
    Path bigLive = source.root().resolve("big-live");
    Path bigSnaps = Files.createDirectories(source.root().resolve("big-snaps"));
    Path bigTarget = Files.createDirectories(tiny.root().resolve("big-backups"));
    Path smallLive = source.root().resolve("small-live");
    Path smallSnaps = Files.createDirectories(source.root().resolve("small-snaps"));
    Path smallTarget = Files.createDirectories(roomy.root().resolve("small-backups"));
    Commands.run("btrfs", "subvolume", "create", bigLive.toString());
    Commands.run("btrfs", "subvolume", "create", smallLive.toString());
    TestData.fill(bigLive, 31);
    TestData.fill(smallLive, 32);
    Path config =
        tool.config(
            "full.toml",
            TestConfigs.pair("big", bigLive, bigSnaps, bigTarget, 10, 30, 10, 30)
                + "\n"
                + TestConfigs.pair("small", smallLive, smallSnaps, smallTarget, 10, 30, 10, 30));

    // The first backup (about 25 MiB) fits.
    BackupLedger.snapshot(bigLive, bigSnaps, BackupLedger.name(0));
    BackupLedger.snapshot(smallLive, smallSnaps, BackupLedger.name(0));
    ToolProcess.Result first = tool.run(config, "--backup", "--all");
    assertEquals(0, first.exit(), first.transcript());
    ledger.assertComplete("first", source.root(), bigSnaps, tiny.root(), bigTarget);
    ledger.assertComplete("first", source.root(), smallSnaps, roomy.root(), smallTarget);

    // The next one holds 200 MiB more than the first: more than the disk can take.
    TestData.randomFile(bigLive.resolve("too-big.bin"), 33, 200L << 20);
    String tooBig = BackupLedger.name(1);
    BackupLedger.snapshot(bigLive, bigSnaps, tooBig);
    String sourceBefore = sourceState(bigSnaps);
    String bigSnapshotManifest = TreeManifest.of(bigSnaps.resolve(tooBig));

    int runs = 0;
    for (int attempt = 1; attempt <= 3; attempt++) {
      boolean alreadyFull = attempt == 3;
      Path filler = tiny.root().resolve("filler.bin");
      if (alreadyFull) {
        fill(filler);
      } else {
        awaitSpaceReclaimed();
      }
      TestData.change(smallLive, 40 + attempt);
      BackupLedger.snapshot(smallLive, smallSnaps, BackupLedger.name(attempt + 1));

      ToolProcess.Result r = tool.run(config, "--backup", "--all");
      String what = "run " + attempt + (alreadyFull ? " (disk already full)" : "");
      String context = what + "\n" + r.transcript();
      assertEquals(1, r.exit(), context);
      // Named: the pair, the target, the cause.
      String failure =
          r.err()
              .lines()
              .filter(l -> l.startsWith("backup-tool: pair big:"))
              .findFirst()
              .orElse("");
      assertTrue(failure.contains(bigTarget.toString()), context);
      assertTrue(failure.contains("No space left on device"), context);
      if (alreadyFull) {
        // The receive journal cannot be written: nothing is started.
        assertTrue(failure.contains("not started"), context);
      } else {
        // The receive ran out of space half-way, and its partial was removed at once.
        assertTrue(failure.contains("btrfs receive"), context);
        assertTrue(failure.contains("removed the partial " + bigTarget.resolve(tooBig)), context);
      }
      assertEquals(List.of(), BackupLedger.incomplete(tiny.root(), bigTarget), context);
      assertEquals(Set.of(), BackupLedger.journal(bigTarget), context);
      try (var entries = Files.list(bigTarget)) {
        assertEquals(
            List.of(BackupLedger.name(0)),
            entries.map(p -> p.getFileName().toString()).sorted().toList(),
            context + "\nentries of the full target");
      }
      // The earlier backup is untouched and still equal to its snapshot; the source likewise.
      Map<String, BackupLedger.Sub> backups = BackupLedger.in(tiny.root(), bigTarget);
      assertEquals(Set.of(BackupLedger.name(0)), backups.keySet(), context);
      assertEquals(sourceBefore, sourceState(bigSnaps), context + "\nthe source");
      // The other pair of the same run was backed up.
      assertTrue(
          r.out().contains("done    send " + smallSnaps.resolve(BackupLedger.name(attempt + 1))),
          context);
      ledger.assertComplete(what, source.root(), smallSnaps, roomy.root(), smallTarget);
      ledger.assertNothingLost(what, source.root(), tiny.root(), roomy.root());
      if (alreadyFull) {
        Files.delete(filler);
      }
      runs++;
    }
    ledger.assertAllEqual("after the full-disk runs");
    assertEquals(bigSnapshotManifest, TreeManifest.of(bigSnaps.resolve(tooBig)));
    System.out.printf(
        "full disk test: %d runs on a full %d MiB target (2 filled up mid-transfer, 1 found it"
            + " full), exit 1 each, 0 partial backups left, earlier backup and source untouched,"
            + " the other pair backed up each time%n",
        runs, TINY_MIB);
  }

  /** The snapshots in these directories: path, uuid, read-only. */
  private static String sourceState(Path... snapDirs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path dir : snapDirs) {
      for (BackupLedger.Sub s : BackupLedger.in(source.root(), dir).values()) {
        sb.append(s.path()).append(' ').append(s.uuid()).append(' ').append(s.readOnly());
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** Waits until btrfs has given back the space of deleted subvolumes. */
  private static void awaitSpaceReclaimed() throws IOException {
    Commands.run("btrfs", "subvolume", "sync", tiny.root().toString());
    Commands.run("btrfs", "filesystem", "sync", tiny.root().toString());
  }

  /** Fills the tiny disk up to the last byte with a file outside the target directory. */
  private static void fill(Path filler) throws IOException {
    awaitSpaceReclaimed();
    byte[] block = new byte[1 << 16];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
    Commands.run("btrfs", "filesystem", "sync", tiny.root().toString());
  }
}
